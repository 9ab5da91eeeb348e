"""Instruments, measurements, goals and the per-course trajectory summaries.

One module per area; every model is imported here, so ``from outcomes.models import X`` works for all of them.
"""

# ruff: noqa: I001 -- the modules in the order of the former single module, so that the models register in
# the same order as before (admin, dumpdata).
from outcomes.models.instruments import Instrument, InstrumentItem, LifeDomain
from outcomes.models.measurements import (
    KL_INFORMER_CODES,
    SELF_COMPLETED,
    Completion,
    Informer,
    ItemAnswer,
    Measurement,
)
from outcomes.models.goals import Goal, GoalReview
from outcomes.models.summaries import MID_LABELS, RCI_LABELS, TrajectorySummary

__all__ = [
    "Completion",
    "Goal",
    "GoalReview",
    "Informer",
    "Instrument",
    "InstrumentItem",
    "ItemAnswer",
    "KL_INFORMER_CODES",
    "LifeDomain",
    "MID_LABELS",
    "Measurement",
    "RCI_LABELS",
    "SELF_COMPLETED",
    "TrajectorySummary",
]
