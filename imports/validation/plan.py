"""What applying an import file would do: the citizens, courses and measurements it names, each either found in
the database (``existing_id``) or to be created, and the row-level errors that stop it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from tracker.models import Citizen


@dataclass(eq=False)
class CitizenPlan:
    row: int
    existing_id: int | None
    cpr: str | None = None
    external_id: str | None = None
    name: str = ""
    gender: str = Citizen.Gender.UNKNOWN
    birth_year: int | None = None
    created_id: int | None = None
    # Registered, but only in units outside the importer's: counted as new in the preview (no existence oracle).
    known_elsewhere: bool = False

    @property
    def id(self) -> int | None:
        return self.existing_id or self.created_id


@dataclass(eq=False)
class CoursePlan:
    row: int
    citizen: CitizenPlan
    unit_id: int
    start: datetime.date
    existing_id: int | None = None
    legal_basis_id: int | None = None
    end: datetime.date | None = None
    end_reason_id: int | None = None
    created_id: int | None = None

    @property
    def id(self) -> int | None:
        return self.existing_id or self.created_id


@dataclass(eq=False)
class MeasurementPlan:
    row: int
    course: CoursePlan
    instrument_id: int
    date: datetime.date
    informer: str
    raw_score: float | None
    score: float | None
    answers: dict[str, int]
    action: str  # "create", "update" or "skip"
    existing_id: int | None = None


@dataclass
class Plan:
    """What applying the file would do, or the errors that stop it."""

    total_rows: int = 0
    citizens: list[CitizenPlan] = field(default_factory=list)
    courses: list[CoursePlan] = field(default_factory=list)
    measurements: list[MeasurementPlan] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    matched_citizen_ids: set[int] = field(default_factory=set)

    @property
    def counts(self) -> dict[str, int]:
        by_action = {"create": 0, "update": 0, "skip": 0}
        for m in self.measurements:
            by_action[m.action] += 1
        return {
            "rows": self.total_rows,
            "citizens_new": sum(1 for c in self.citizens if c.existing_id is None or c.known_elsewhere),
            "citizens_existing": sum(1 for c in self.citizens if c.existing_id is not None and not c.known_elsewhere),
            "courses_new": sum(1 for c in self.courses if c.existing_id is None),
            "courses_existing": sum(1 for c in self.courses if c.existing_id is not None),
            "measurements_new": by_action["create"],
            "measurements_updated": by_action["update"],
            "measurements_skipped": by_action["skip"],
            "errors": len(self.errors),
        }
