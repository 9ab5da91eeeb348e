"""The rows the director's comparison publishes (``figures.comparison``) and their container."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from figures.periods import Period
from outcomes.models import Instrument
from tracker.models import OrganisationUnit

LOW_COVERAGE = 0.5


@dataclass
class ComparisonRow:
    """One row of the comparison as published: a unit, or a department aggregating its units."""

    key: int
    name: str
    is_leaf: bool
    parent_id: int | None = None
    active: int | None = 0
    due: int | None = None
    paired: int | None = 0
    improved: int | None = None
    unchanged: int | None = None
    deteriorated: int | None = None
    mean_change: float | None = None
    change_ci: tuple[float, float] | None = None
    improved_share: float | None = None
    improved_ci: tuple[float, float] | None = None
    expected_change: float | None = None
    adjusted_change: float | None = None
    adjusted_ci: tuple[float, float] | None = None
    expected_improved: float | None = None
    oe_ratio: float | None = None
    oe_limits95: tuple[float, float] | None = None
    oe_limits998: tuple[float, float] | None = None
    funnel95: tuple[float, float] | None = None
    funnel998: tuple[float, float] | None = None
    mean_funnel95: tuple[float, float] | None = None
    mean_funnel998: tuple[float, float] | None = None
    position: str = ""  # "above", "below", "within" the 95% limits; "mixed" when O/E says otherwise
    gas_mean: float | None = None
    gas_courses: int | None = 0
    collaborations: int | None = 0
    collab_citizens: int | None = 0
    suppressed: bool = False  # fewer than k active citizens (or its complement): nothing shown
    effect_suppressed: bool = False  # fewer than k paired courses (or its complement): effect figures hidden
    hidden_cells: tuple[bool, bool, bool] = (False, False, False)  # improved, unchanged, deteriorated
    total_hidden: bool = False
    share_hidden: bool = False  # the share improved would give a hidden count

    @property
    def coverage(self) -> float | None:
        if self.effect_suppressed or not self.due:
            return None
        return min(1.0, self.paired / self.due)

    @property
    def low_coverage(self) -> bool:
        return self.coverage is not None and self.coverage < LOW_COVERAGE


@dataclass
class Comparison:
    rows: list[ComparisonRow]
    overall: ComparisonRow  # derived from the shown rows only
    instrument: Instrument
    k: int
    method: str
    period: Period
    root: OrganisationUnit | None
    breadcrumbs: list[OrganisationUnit] = field(default_factory=list)
    trends: dict[int, list[tuple[datetime.date, float, int]]] = field(default_factory=dict)
    phi: float | None = None
    tau2: float | None = None
    mean_tau2: float | None = None
    overdispersion: str = "none"  # "none" (not present or not asked for) or "additive" (τ² DerSimonian–Laird)
    pooled_sd: float | None = None
    legal_basis_id: int | None = None
    kind_id: int | None = None
    disclosed: bool = True
    count_totals: tuple = (None, None, None)  # improved, unchanged, deteriorated over the shown rows (None: hidden)
    count_grand: int | None = None

    @property
    def has_data(self) -> bool:
        """Whether any row has active courses (a hidden row has some, or it would not be hidden)."""
        return any(r.suppressed or r.active for r in self.rows)
