"""Core records: organisation units, staff roles, citizens, courses of support, partners, collaborations, audit.

One module per area; every model is imported here, so ``from tracker.models import X`` works for all of them.
"""

# ruff: noqa: I001 -- the modules in the order of the former single module, so that the models register in
# the same order as before (admin, dumpdata).
from tracker.models.reference import CollaborationKind, EndReason, LegalBasis, ReferenceData, Sector
from tracker.models.organisation import DirectorScope, Membership, OrganisationUnit
from tracker.models.citizens import Citizen, Course, cpr_birth_date, normalise_cpr, validate_cpr
from tracker.models.collaborations import Collaboration, Partner
from tracker.models.audit import AuditEntry
from tracker.models.versions import DataVersion, UnitDataVersion, UnitTopicVersion
from tracker.models.ratelimit import RateCounter
from tracker.models.privacy import AccessRequest, Consent

__all__ = [
    "AccessRequest",
    "AuditEntry",
    "Citizen",
    "Collaboration",
    "CollaborationKind",
    "Consent",
    "Course",
    "DataVersion",
    "DirectorScope",
    "EndReason",
    "LegalBasis",
    "Membership",
    "OrganisationUnit",
    "Partner",
    "RateCounter",
    "ReferenceData",
    "Sector",
    "UnitDataVersion",
    "UnitTopicVersion",
    "cpr_birth_date",
    "normalise_cpr",
    "validate_cpr",
]
