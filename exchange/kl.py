"""KL's FHIR identifiers for the export, read from one data file (``exchange/data/kl_ffinst.json``).

Which WHO-5 Questionnaire do we reference? KL has published WHO-5 twice:

1. The early draft of the KL-dk-tools guide (github.com/hl7dk/KL-dk-tools, before 2023) had the instance
   ``KLToolsCareWHO-5`` under ``http://kl.dk/fhir/tools/care/Questionnaire/…`` with linkIds ``"1"``…``"5"``
   (later ``happy``…); its own example response even pointed to ``…/Questionnaire/WHO-5``. Older notes and the
   instrument fixture (``Instrument.fhir_questionnaire``) still carry that draft URL.
2. The released guide, *FFInst — fælles faglige instrumenter* 1.0.0 (``sushi-config.yaml``: canonical
   ``http://fhir.kl.dk/ffinst``, FHIR 4.0.1, dated 2023-08-08), renamed the instance ``KLToolsCareWHO5``: canonical
   ``http://fhir.kl.dk/ffinst/Questionnaire/KLToolsCareWHO5``, linkIds ``happy``, ``calm``, ``active``, ``rested``,
   ``interest`` and ``who5comment`` (``input/fsh/KLToolsCareWHO5.fsh``), answers coded in
   ``http://fhir.kl.dk/ffinst/CodeSystem/KLToolsCodes`` with the same 30 answer codes and 5 finding-informer codes
   that our fixtures hold (``KLToolsValueSets.fsh``), the ``FindingInformer`` extension required 1..1 by the
   ``KLToolsQuestionnaireResponse`` profile (``KLToolsQuestionnaireResponse.fsh``, ``KLToolsExtensions.fsh``).

We follow the released guide (2): it is what the municipalities' systems implement and the only one with a
published version. The old URL is kept nowhere in this app. Life domains carry their FFB codes from KL's FFB code
system ``urn:oid:1.2.208.176.2.22`` (alias ``FFB`` in ``KLToolsAliases.fsh``; the same codes head KL's FFB
condition value sets).

Everything here is data, so a new KL release means editing the JSON file, not the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "kl_ffinst.json"


@dataclass(frozen=True)
class KLFhir:
    """The canonical URLs, code systems and WHO-5 linkIds of KL's FFInst guide."""

    source: str
    ig_version: str
    fhir_version: str
    who5_instrument: str
    who5_questionnaire: str
    who5_snomed_code: str
    who5_link_ids: tuple[str, ...]
    who5_comment_link_id: str
    kltools_codes: str
    questionnaire_response_profile: str
    finding_informer_extension: str
    ffb_code_system: str
    snomed: str
    observation_category: str
    local_codes: str
    citizen_identifier_system: str


@cache
def kl() -> KLFhir:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    who5 = raw["who5"]
    return KLFhir(
        source=raw["source"],
        ig_version=raw["ig_version"],
        fhir_version=raw["fhir_version"],
        who5_instrument=who5["instrument"],
        who5_questionnaire=who5["questionnaire"],
        who5_snomed_code=who5["snomed_code"],
        who5_link_ids=tuple(who5["link_ids"]),
        who5_comment_link_id=who5["comment_link_id"],
        kltools_codes=raw["kltools_codes"],
        questionnaire_response_profile=raw["questionnaire_response_profile"],
        finding_informer_extension=raw["finding_informer_extension"],
        ffb_code_system=raw["ffb_code_system"],
        snomed=raw["snomed"],
        observation_category=raw["observation_category"],
        local_codes=raw["local_codes"],
        citizen_identifier_system=raw["citizen_identifier_system"],
    )
