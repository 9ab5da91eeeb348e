"""Disclosure control for aggregate-only audiences: directors, public pages, open data and their API.

Applied once, by the figures engine's comparison, so every channel an aggregate-only user can reach shows
the same protected figure (docs/figures.md, "Disclosure control"). Three layers:

1. **Threshold and secondary suppression.** No figure about fewer than k citizens; when one unit below a
   parent is hidden, the next smallest is hidden too, so the parent minus the shown units does not give it.
   Totals and centre lines are derived from the shown rows only.
2. **Grid periods only** (``figures.periods``): no day-level windows.
3. **A cell-key perturbation** (after the Australian Bureau of Statistics' TableBuilder method, as in the R
   package ``cellKey``): every course and citizen has a fixed record key; a row's key is the sum of its
   records' keys modulo 1, so the same set of citizens always gets the same noise, whichever query shows it.
   Counts move by at most ``COUNT_NOISE``; a sum of changes (and so a mean) moves by a bounded amount that is
   never smaller than half an instrument step between two sets that differ by one citizen: record keys lie in
   [¼, ¾), so adding a citizen shifts the row's key by ¼…¾ and the sawtooth noise by ½…1½ of its amplitude.
   Differencing two overlapping queries therefore never gives one citizen's change to within half a step.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

COUNT_NOISE = 2  # counts move by at most ±2 (−2…+2)

# One offset per published figure, so the noises of a row's figures are not the same number.
OFFSETS = {
    "active": 0.0,
    "due": 0.11,
    "paired": 0.23,
    "improved": 0.37,
    "deteriorated": 0.41,
    "change": 0.53,
    "gas_courses": 0.61,
    "gas": 0.67,
    "collaborations": 0.79,
    "collab_citizens": 0.83,
    "measured": 0.89,
    "score": 0.97,
}


def _secret() -> bytes:
    key = getattr(settings, "EFFEKTSPOR_DISCLOSURE_KEY", "") or settings.SECRET_KEY
    return key.encode()


def key_digest() -> str:
    """A digest of the secret the record keys come from: part of the key of anything cached with cell keys."""
    return hashlib.sha256(b"cell-keys:" + _secret()).hexdigest()[:16]


def _record_key(secret: bytes, kind: str, pk: int) -> float:
    digest = hmac.new(secret, f"{kind}:{pk}".encode(), hashlib.sha256).digest()
    return 0.25 + int.from_bytes(digest[:8], "big") / 2**64 / 2


# A memo of a pure function of its arguments (the secret included), not state: every process agrees. One table
# per secret and kind, so a look-up is one dict access by id; emptied when it holds more than MEMO_LIMIT keys.
_memo: dict[tuple[bytes, str], dict[int, float]] = {}
MEMO_LIMIT = 500_000


def cell_key(kind: str, ids: Iterable[int]) -> float:
    """The key of a set of records: the sum of their keys modulo 1 (the same set, the same key)."""
    secret = _secret()
    table = _memo.get((secret, kind))
    if table is None or len(table) > MEMO_LIMIT:
        table = _memo[secret, kind] = {}
    keys = []
    for pk in set(ids):
        key = table.get(pk)
        if key is None:
            key = table[pk] = _record_key(secret, kind, pk)
        keys.append(key)
    return math.fsum(keys) % 1.0


def wave(key: float, figure: str) -> float:
    """A sawtooth in [−1, 1) of the cell key, shifted per figure."""
    return 2.0 * ((key + OFFSETS[figure]) % 1.0) - 1.0


def count(n: int, key: float, figure: str) -> int:
    """A perturbed count: n + d, d ∈ {−2…2}; zero stays zero (an empty set has nothing to protect)."""
    if n <= 0:
        return 0
    return max(0, n + math.floor(COUNT_NOISE * wave(key, figure) + 0.5))


def amplitude(n: int, step: float) -> float:
    """The sum's noise amplitude: large enough that two sets differing by one citizen, each published as a mean
    rounded to 0.1, cannot be differenced to within half a step (see the module docstring)."""
    return step + 0.25 * n + 1.0


def total(value: float, n: int, key: float, figure: str, step: float) -> float:
    return value + amplitude(n, step) * wave(key, figure)


def mean(value_sum: float, n: int, key: float, figure: str, step: float) -> float | None:
    """The published mean: the perturbed sum over the true n, rounded to the display precision (0.1).

    Dividing by the true n keeps the mean within amplitude(n)/n of the truth (the count's own noise does not
    move it), and an attacker who somehow knows both true n's still differences two sets only to the sawtooth's
    guaranteed distance."""
    if n <= 0:
        return None
    return round(total(value_sum, n, key, figure, step) / n, 1)


@dataclass(frozen=True)
class Policy:
    """The parameters of disclosure control, stated on the methods page."""

    k: int
    count_noise: int = COUNT_NOISE

    @classmethod
    def current(cls) -> Policy:
        return cls(k=max(3, int(settings.EFFEKTSPOR_SMALL_NUMBER_K)))


def complementary(hidden: set[int], sizes: dict[int, int], siblings: Iterable[set[int]]) -> set[int]:
    """Secondary suppression across a hierarchy: in every group of siblings where exactly one member with
    data is hidden, hide the smallest shown one too (so parent − shown siblings does not give the hidden one)."""
    out = set(hidden)
    changed = True
    while changed:
        changed = False
        for group in siblings:
            with_data = {g for g in group if sizes.get(g, 0) > 0}
            hidden_here = with_data & out
            shown = sorted(with_data - out, key=lambda g: (sizes[g], g))
            if len(hidden_here) == 1 and shown:
                out.add(shown[0])
                changed = True
    return out
