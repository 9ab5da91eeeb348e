"""Scoring of instrument answers: pure functions of numbers, no Django.

An instrument is defined by data (``InstrumentDefinition``), so administrators can add instruments
without code. Scoring rules by kind:

- ``sum``: every item must be answered within its range; raw score = sum of the answers; score = raw ×
  multiplier. WHO-5 (Topp, Østergaard, Søndergaard & Bech 2015, doi:10.1159/000376585; WHO Regional
  Office for Europe 1998): five items 0–5, raw 0–25, ×4 gives the 0–100 percentage score.
- ``total``: one item holding a total transcribed from a licensed paper form (ORS/SRS, 0–40);
  score = the total.
- ``profile``: one rating per item (the life-domain self-rating, 0–10); no single score, because the
  ratings are a local, unvalidated profile. Items may be left unanswered ("ikke vurderet") but at least
  one must be answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isfinite


@dataclass(frozen=True)
class ItemDefinition:
    link_id: str
    min_value: int
    max_value: int


@dataclass(frozen=True)
class InstrumentDefinition:
    code: str
    scoring: str
    multiplier: float
    items: tuple[ItemDefinition, ...]


@dataclass(frozen=True)
class ScoreResult:
    raw_score: float | None
    score: float | None
    answers: dict[str, int]


class ScoringError(ValueError):
    """Answers that cannot be scored; ``errors`` maps an item's link_id (or ``__all__``) to a message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


# Messages are plain Danish/English pairs chosen by the caller's language through gettext in the
# forms; the pure module keeps message *keys* so it needs no Django. Callers translate with MESSAGES.
MISSING = "missing"
OUT_OF_RANGE = "out_of_range"
NOT_INTEGER = "not_integer"
UNKNOWN_ITEM = "unknown_item"
NOTHING_ANSWERED = "nothing_answered"


def _as_int(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not isfinite(value) or value != int(value):
            raise TypeError
        return int(value)
    text = str(value).strip()
    digits = text[1:] if text.startswith("-") else text
    # ASCII digits only: "²" or "٣" pass str.isdigit() but are no answer (int("²") would raise a bare ValueError).
    if digits.isascii() and digits.isdigit():
        return int(text)
    raise TypeError


def score_answers(definition: InstrumentDefinition, answers: dict[str, object]) -> ScoreResult:
    """Validate ``answers`` (link_id → value) against ``definition`` and compute the score.

    Raises ScoringError whose ``errors`` name each offending item with a message key and its range, e.g.
    ``{"calm": "out_of_range:0:5"}``; nothing is partially accepted.
    """
    if definition.scoring == "gas":
        raise ScoringError({"__all__": "gas_not_recordable"})
    known = {item.link_id for item in definition.items}
    errors: dict[str, str] = {}
    for key in answers:
        if key not in known:
            errors[key] = UNKNOWN_ITEM
    clean: dict[str, int] = {}
    for item in definition.items:
        try:
            value = _as_int(answers.get(item.link_id))
        except TypeError:
            errors[item.link_id] = f"{NOT_INTEGER}:{item.min_value}:{item.max_value}"
            continue
        if value is None:
            if definition.scoring != "profile":
                errors[item.link_id] = f"{MISSING}:{item.min_value}:{item.max_value}"
            continue
        if not (item.min_value <= value <= item.max_value):
            errors[item.link_id] = f"{OUT_OF_RANGE}:{item.min_value}:{item.max_value}"
            continue
        clean[item.link_id] = value
    if not errors and not clean:
        errors["__all__"] = NOTHING_ANSWERED
    if errors:
        raise ScoringError(errors)
    if definition.scoring == "profile":
        return ScoreResult(raw_score=None, score=None, answers=clean)
    raw = float(sum(clean.values()))
    return ScoreResult(raw_score=raw, score=raw * definition.multiplier, answers=clean)
