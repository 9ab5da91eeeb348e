"""What the comparison is computed from: per row (unit or department) its figure set and quarterly trend, and
the paired courses' case-mix factors — from the pre-aggregated rows (``figures.aggregates``; the default), or
from the per-course rows (``figures.records``; kept for tests and as the definition). Both give the same
values in the same order (course id), so the published comparison is the same (tests/figures/test_aggregates.py).
"""

from __future__ import annotations

import dataclasses
import datetime
import operator
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from figures import aggregates, disclosure, engine, records, rowfigures
from figures.aggregates import C
from figures.periods import Period
from outcomes import casemix
from outcomes.models import Instrument
from outcomes.summaries import Params
from tracker import dataversion

B_DATE, B_SCORE, F_SCORE, BIRTH, GENDER, FIRST = (
    C[n] for n in ("b_date", "b_score", "f_score", "birth_year", "gender", "first")
)


@dataclass
class Group:
    figures: engine.GroupFigures
    quarters: list[engine.QuarterFigures] = field(default_factory=list)
    keys: dict | None = None  # the cell keys of its figures (``cell_keys``), kept with the row once computed

    def cell_keys(self) -> dict:
        """The disclosure cell keys of the row's figures and of each quarter's (``figures.disclosure``)."""
        if self.keys is None:
            f = self.figures
            self.keys = {
                "citizens": disclosure.cell_key("citizen", f.active_citizens),
                "courses": disclosure.cell_key("course", f.paired_ids),
                "gas": disclosure.cell_key("course", f.gas_course_ids),
                "collab": disclosure.cell_key("citizen", f.collab_citizens),
                "quarters": [disclosure.cell_key("citizen", q.figures.active_citizens) for q in self.quarters],
            }
        return self.keys


CASEMIX_FIELDS = ("course", "group", "baseline", "change", "improved", "age", "gender", "first")


@dataclass
class Casemix:
    """The paired courses in course order, as columns: course id, row, baseline score, change, whether improved,
    and the citizen at baseline (age group, sex, first course or again)."""

    course: list[int] = field(default_factory=list)
    group: list[int] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    change: list[float] = field(default_factory=list)
    improved: list[bool] = field(default_factory=list)
    age: list[str] = field(default_factory=list)
    gender: list[str] = field(default_factory=list)
    first: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.course)

    def add(
        self,
        course: int,
        group: int,
        baseline: float,
        base_date: datetime.date,
        change: float,
        category: str,
        birth_year: int | None,
        gender: str,
        first_course: bool,
    ) -> None:
        """A paired course, its case-mix factors derived from the citizen at baseline."""
        values = (
            course,
            group,
            baseline,
            change,
            category in engine.IMPROVING,
            casemix.age_group(base_date.year - birth_year if birth_year else None),
            gender,
            "first" if first_course else "again",
        )
        for name, value in zip(CASEMIX_FIELDS, values, strict=True):
            getattr(self, name).append(value)

    @classmethod
    def merged(cls, parts: list[Casemix]) -> Casemix:
        """The parts' courses together, in course order (each part is in course order)."""
        out = cls()
        for name in CASEMIX_FIELDS:
            setattr(out, name, [v for part in parts for v in getattr(part, name)])
        if len(parts) > 1 and len(out.course) > 1:
            # A stable sort by course id (numpy's, on tens of thousands of courses at national scale), applied to
            # every column by one C-level getter.
            order = np.argsort(np.asarray(out.course, dtype=np.int64), kind="stable").tolist()
            pick = operator.itemgetter(*order)
            for name in CASEMIX_FIELDS:
                setattr(out, name, list(pick(getattr(out, name))))
        return out


def from_records(
    group_of: dict[int, int], names: dict[int, str], scope: records.Scope, period: Period, instrument: Instrument
) -> tuple[dict[int, Group], Casemix]:
    params = Params.of(instrument)
    course_records = records.course_records(scope, period, [instrument])
    trajs = sorted(engine.trajectories(course_records, period, params, instrument.pk), key=lambda t: t.record.course_id)
    course_group = {r.course_id: group_of[r.unit_id] for r in course_records}
    gas: dict[int, dict[int, float]] = defaultdict(dict)
    for course_id, score in engine.gas_by_course(records.goal_rows(scope, period)).items():
        if course_id in course_group:
            gas[course_group[course_id]][course_id] = score
    collab: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for course_id, unit_id, citizen_id, _plan in records.collaboration_rows(scope, period):
        collab[group_of[unit_id]].append((course_id, citizen_id))
    members: dict[int, list[engine.Trajectory]] = defaultdict(list)
    for t in trajs:
        members[group_of[t.record.unit_id]].append(t)
    groups = {}
    for group in sorted(set(group_of.values())):
        mine = members[group]
        figures = engine.group_figures(group, names[group], mine, gas=gas[group], collaborations=collab[group])
        quarters = engine.quarterly([t.record for t in mine], period, params, instrument.pk, key=group)
        groups[group] = Group(figures, quarters)
    paired = Casemix()
    for t in trajs:
        if t.paired:
            r = t.record
            paired.add(
                r.course_id,
                group_of[r.unit_id],
                t.baseline.score,
                t.baseline.date,
                t.change,
                t.category,
                r.birth_year,
                r.gender,
                r.first_course,
            )
    return groups, paired


@dataclass
class GroupInputs:
    """What the comparison needs of one row, cached under the stamp of its units: its figure set, trend and cell
    keys, and its paired courses."""

    group: Group
    paired: Casemix


def from_rows(
    group_of: dict[int, int], names: dict[int, str], scope: records.Scope, period: Period, instrument: Instrument
) -> tuple[dict[int, Group], Casemix]:
    """Each row's inputs from the cache at the stamp of its units, the missing ones from the pre-aggregated rows
    (one batch): after a write in one unit, only its row is computed again."""
    params = Params.of(instrument)
    members: dict[int, list[int]] = defaultdict(list)
    for unit_id in sorted(group_of):
        members[group_of[unit_id]].append(unit_id)
    common = {
        "instrument": instrument.pk,
        "parameters": params.key(),
        "period": [period.start, period.end],
        "legal_basis": scope.legal_basis_id,
        "disclosure": disclosure.key_digest(),  # the cell keys are kept with the row
    }
    items = {
        group: ({**common, "group": group, "name": names[group], "units": units}, units)
        for group, units in sorted(members.items())
    }

    def compute(missing: list[int]) -> dict[int, GroupInputs]:
        datas = aggregates.load([u for group in missing for u in members[group]], instrument, period)
        return {
            group: _group_inputs(group, names[group], [datas[u] for u in members[group]], scope, params)
            for group in missing
        }

    parts = dataversion.cached_many("comparison-row", items, compute)
    groups = {group: parts[group].group for group in sorted(parts)}
    # Every row's paired courses in course order (as the per-course path gives them).
    return groups, Casemix.merged([parts[group].paired for group in sorted(parts)])


def _group_inputs(group: int, name: str, mine: list[dict], scope: records.Scope, params: Params) -> GroupInputs:
    basis = scope.legal_basis_id
    rows = [c for d in mine for c in rowfigures.courses(d, basis)]
    if len(mine) > 1:
        rows.sort(key=lambda c: c[0])  # each row's courses are stored in course order
    gas = sorted(g for d in mine for g in d["g"])
    collab = [k for d in mine for k in d["k"]]
    figures = rowfigures.group_figures(group, name, rows, params, gas=gas, collaborations=collab)
    quarters = rowfigures.quarterly(mine, basis, params, key=group, full=False)
    ordinal = datetime.date.fromordinal
    paired = Casemix()
    for c in rows:
        if not rowfigures.paired(c):
            continue
        base, score = c[B_SCORE], c[F_SCORE]
        category = rowfigures.classify(base, score, params)[1]
        paired.add(c[0], group, base, ordinal(c[B_DATE]), score - base, category, c[BIRTH], c[GENDER], c[FIRST])
    inputs = GroupInputs(Group(figures, quarters), paired)
    inputs.group.cell_keys()
    # What is cached is what the comparison reads: the ids behind each quarter's figures and behind the
    # collaborations were needed for their cell keys only. Without them a cached row is a fraction of its size
    # (at 100 units, reading the rows took most of a comparison computed after a write).
    figures.collaboration_ids = []
    inputs.group.quarters = [
        dataclasses.replace(
            q,
            figures=engine.GroupFigures(
                key=q.figures.key,
                name=q.figures.name,
                active_courses=q.figures.active_courses,
                due_courses=q.figures.due_courses,
            ),
        )
        for q in quarters
    ]
    return inputs
