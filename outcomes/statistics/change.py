"""Reliable and clinically significant change (Jacobson & Truax 1991) and change by a minimal important difference."""

from __future__ import annotations

import math

from ._checks import _num, _positive

RELIABLE_Z = 1.96  # Jacobson & Truax (1991): |RCI| > 1.96 is reliable change (p < .05).
CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated", "harmed")


def _s_diff(sd: float, reliability: float) -> float:
    sd = _positive(sd, "sd")
    reliability = _num(reliability, "reliability")
    if not 0 < reliability < 1:
        raise ValueError(f"reliability must be between 0 and 1 (exclusive), got {reliability}")
    return math.sqrt(2) * sd * math.sqrt(1 - reliability)


def reliable_change_index(pre: float, post: float, *, sd: float, reliability: float) -> float:
    """Jacobson & Truax (1991), doi:10.1037/0022-006X.59.1.12.

    SE = sd·√(1 − r); S_diff = √2·SE; RCI = (post − pre)/S_diff. ``sd`` is the reference (pre-treatment)
    SD and ``reliability`` a published reliability, not estimated from the sample.
    """
    return (_num(post, "post") - _num(pre, "pre")) / _s_diff(sd, reliability)


def reliable_change_threshold(*, sd: float, reliability: float, z: float = RELIABLE_Z) -> float:
    """Jacobson & Truax (1991): z·S_diff, the raw change at which change becomes reliable.

    A change is reliable when it is strictly larger than this in absolute value.
    """
    return _positive(z, "z") * _s_diff(sd, reliability)


def clinical_cutoff(
    *,
    method: str,
    clinical_mean: float,
    clinical_sd: float,
    functional_mean: float | None = None,
    functional_sd: float | None = None,
    higher_is_better: bool,
) -> float:
    """Jacobson & Truax (1991) cut-offs; population 1 = clinical, 0 = functional.

    a = M1 ± 2·s1 (two SDs from the clinical mean toward the functional side), b = M0 ∓ 2·s0 (two SDs from
    the functional mean toward the clinical side), c = (s0·M1 + s1·M0)/(s0 + s1). Example: clinical 40
    (7.5), functional 60 (7.5), higher is better → a = 55, b = 45, c = 50.
    """
    m1, s1 = _num(clinical_mean, "clinical_mean"), _positive(clinical_sd, "clinical_sd")
    sign = 1.0 if higher_is_better else -1.0
    if method == "a":
        return m1 + sign * 2 * s1
    if method not in ("b", "c"):
        raise ValueError(f"method must be 'a', 'b' or 'c', got {method!r}")
    if functional_mean is None or functional_sd is None:
        raise ValueError(f"method {method!r} needs functional_mean and functional_sd")
    m0, s0 = _num(functional_mean, "functional_mean"), _positive(functional_sd, "functional_sd")
    if sign * (m0 - m1) <= 0:
        raise ValueError("the functional mean must lie on the better side of the clinical mean")
    if method == "b":
        return m0 - sign * 2 * s0
    return (s0 * m1 + s1 * m0) / (s0 + s1)


def _functional(score: float, cutoff: float, higher_is_better: bool) -> bool:
    # A score exactly at the cut-off counts as functional, whichever the direction. Negating scores and
    # cut-off while flipping the direction therefore maps each side onto itself (x >= c <=> -x <= -c).
    return score >= cutoff if higher_is_better else score <= cutoff


def classify_change(
    pre: float,
    post: float,
    *,
    sd: float,
    reliability: float,
    cutoff: float | None = None,
    higher_is_better: bool,
) -> str:
    """Jacobson & Truax (1991) categories: recovered, improved, unchanged, deteriorated, harmed.

    Reliable when |RCI| > 1.96 (strictly). recovered = reliably improved and moved from the clinical side
    (pre) to the functional side (post); harmed = reliably deteriorated and moved from the functional side
    to the clinical side. Without a cut-off only improved/unchanged/deteriorated are possible. A score
    exactly at the cut-off counts as functional for either direction of the scale, so
    ``classify_change(pre, post, cutoff=c, higher_is_better=h) ==
    classify_change(-pre, -post, cutoff=-c, higher_is_better=not h)`` holds exactly.
    """
    rci = reliable_change_index(pre, post, sd=sd, reliability=reliability)
    cutoff = None if cutoff is None else _num(cutoff, "cutoff")
    better = rci if higher_is_better else -rci
    if abs(better) <= RELIABLE_Z:
        return "unchanged"
    if cutoff is None:
        return "improved" if better > 0 else "deteriorated"
    was, now = _functional(pre, cutoff, higher_is_better), _functional(post, cutoff, higher_is_better)
    if better > 0:
        return "recovered" if (not was and now) else "improved"
    return "harmed" if (was and not now) else "deteriorated"


def classify_by_mid(pre: float, post: float, *, mid: float, higher_is_better: bool) -> str:
    """Classify change by a minimal important difference (used when an instrument has no reliability).

    improved when the change in the better direction is >= mid; deteriorated when the change in the worse
    direction is >= mid; otherwise unchanged. Source for the MID idea: Jaeschke R, Singer J, Guyatt GH
    (1989). Control Clin Trials 10:407-415, doi:10.1016/0197-2456(89)90005-6.
    """
    change = _num(post, "post") - _num(pre, "pre")
    mid = _positive(mid, "mid")
    better = change if higher_is_better else -change
    if better >= mid:
        return "improved"
    if -better >= mid:
        return "deteriorated"
    return "unchanged"
