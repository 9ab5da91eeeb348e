"""KL's code systems and value sets as far as the export uses them, read from the vendored extracts in
``exchange/data/kl/`` (sources, versions and licences in ``exchange/data/kl/README.md``), and our mapping of life
domains to FFB condition codes (``exchange/data/life_domain_ffb.json``).

The export takes every display text from here, so what we send is KL's display exactly (a FHIR validator reports
a display that differs from the code system's as an error); the tests check every exported code against the same
files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
KL_DIR = DATA / "kl"


@dataclass(frozen=True)
class CodeSystem:
    url: str
    version: str
    displays: dict[str, str]
    parents: dict[str, str | None]

    def display(self, code: str) -> str:
        """KL's display of ``code``; KeyError for a code the code system does not have."""
        return self.displays[code]

    def descends_from(self, code: str, ancestor: str) -> bool:
        """True when ``code`` lies strictly below ``ancestor`` (FHIR's ``descendent-of``: the ancestor is out)."""
        parent = self.parents.get(code)
        while parent is not None:
            if parent == ancestor:
                return True
            parent = self.parents.get(parent)
        return False


def _load(name: str) -> dict:
    return json.loads((KL_DIR / name).read_text(encoding="utf-8"))


def _code_system(name: str) -> CodeSystem:
    raw = _load(name)
    return CodeSystem(
        url=raw["url"],
        version=raw["version"],
        displays={c["code"]: c["display"] for c in raw["concept"]},
        parents={c["code"]: c.get("parent") for c in raw["concept"]},
    )


@cache
def kltools_codes() -> CodeSystem:
    return _code_system("KLToolsCodes.json")


@cache
def ffb() -> CodeSystem:
    return _code_system("FFB-conditions.json")


@cache
def care_social_codes() -> CodeSystem:
    return _code_system("CareSocialCodes-goal-types.json")


@cache
def who5_value_sets() -> dict[str, frozenset[str]]:
    """KL's answer value set per WHO-5 linkId, and ``finding-informer``: the codes each allows."""
    return {key: frozenset(vs["codes"]) for key, vs in _load("KLToolsCodes.json")["valueSets"].items()}


@cache
def _value_sets() -> dict:
    return _load("value-sets.json")["valueSets"]


def in_value_set(name: str, *, system: str, code: str) -> bool:
    """Membership in an intensional KL value set (``descendent-of`` one of its roots), e.g. KLConditionCodesFFB."""
    vs = _value_sets()[name]
    if system != vs["system"]:
        return False
    cs = {s.url: s for s in (ffb(), care_social_codes())}[system]
    return code in cs.displays and any(cs.descends_from(code, root) for root in vs["of"])


@cache
def profiles() -> dict[str, dict]:
    return _load("profiles.json")["profiles"]


def profile_url(name: str) -> str:
    return profiles()[name]["url"]


@cache
def _life_domain_map() -> dict[str, dict]:
    return json.loads((DATA / "life_domain_ffb.json").read_text(encoding="utf-8"))["life_domains"]


def condition_code(life_domain: str) -> str | None:
    """The FFB sub-theme a goal in this life domain is exported with, or None where no single sub-theme fits."""
    entry = _life_domain_map().get(life_domain)
    return entry["condition_code"] if entry else None


def condition_mapping() -> dict[str, dict]:
    """Every mapped life domain: its condition code (or None) and why."""
    return dict(_life_domain_map())


# The category of a citizen's own goal in their own words (KLGoalTypeCodes).
GOAL_CATEGORY_CITIZEN = "416fe27d-3ccf-4390-8742-8b52a9d8dc78"  # "FFB borgers mål og ønsker"
