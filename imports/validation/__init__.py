"""Checking an import file row by row against the database: the plan of what applying it would do, or its errors.

Nothing is written here. The checks are the ones the pages use — CPR normalisation and the citizen model's field
validation (tracker.models), the course rules (legal basis offered by the unit, end after start with a reason, one
open course per citizen and unit), and the instrument scoring (outcomes.scoring, with its Danish messages) — but run
against data loaded in bulk first, so that 100,000 rows cost a few dozen queries rather than several per row.

Natural keys, so that importing the same file twice creates nothing the second time:
- a citizen by CPR number, or else by external id;
- a course by citizen + unit + start date (an empty start means the citizen's course in the unit on the
  measurement's date);
- a measurement by citizen + unit + instrument + date: identical answers and informer are skipped, different ones
  update the stored measurement (answers and score), and the preview says how many of each.
"""

from imports.validation.checker import Checker, check_file, chunks, max_rows
from imports.validation.plan import CitizenPlan, CoursePlan, MeasurementPlan, Plan

__all__ = ["Checker", "CitizenPlan", "CoursePlan", "MeasurementPlan", "Plan", "check_file", "chunks", "max_rows"]
