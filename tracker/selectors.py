"""Reads of core records, always scoped to the requesting user.

Views never call ``Model.objects`` for citizen data: they call these functions, so the rule of who may
see what (docs/privacy.md) lives in one place. A caseworker sees a citizen only through a course in one of
their units; a leader additionally sees the unit's aggregates; a director sees aggregates of the units in
their subtree and no citizen-level data (unless also a member of a unit).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Avg, CharField, Count, F, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from tracker import search
from tracker.models import (
    AccessRequest,
    Citizen,
    Consent,
    Course,
    DirectorScope,
    Membership,
    OrganisationUnit,
    Partner,
)


@dataclass(frozen=True)
class Access:
    """What one user may reach, computed once per request."""

    member_unit_ids: frozenset[int]
    leader_unit_ids: frozenset[int]
    director_unit_ids: frozenset[int]
    is_admin: bool

    @property
    def is_caseworker(self) -> bool:
        return bool(self.member_unit_ids)

    @property
    def is_leader(self) -> bool:
        return bool(self.leader_unit_ids)

    @property
    def is_director(self) -> bool:
        return bool(self.director_unit_ids)

    @property
    def start_page(self) -> str:
        """The URL name of this user's role start page."""
        if self.is_leader:
            return "dashboards:leader_home"
        if self.is_caseworker:
            return "tracker:citizen_list"
        if self.is_director:
            return "dashboards:director_home"
        if self.is_admin:
            return "admin:index"
        return "tracker:no_role"


NO_ACCESS = Access(frozenset(), frozenset(), frozenset(), False)


def subtree_unit_ids(root_ids: set[int]) -> set[int]:
    """All units below (and including) the given roots. The tree is small (hundreds), so one query."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in OrganisationUnit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), list(root_ids)
    while stack:
        node = stack.pop()
        if node in found:
            continue
        found.add(node)
        stack.extend(children.get(node, []))
    return found


DIRECTOR = "director"  # the role of a director scope in the access query (not a membership role)


def access_for(user: AbstractBaseUser | AnonymousUser) -> Access:
    """The user's access, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_effektspor_access", None)
    if cached is not None:
        return cached
    member, leader, roots = set(), set(), set()
    # Memberships and director scopes in one query (every request of a signed-in user reads them).
    scopes = DirectorScope.objects.filter(user=user).annotate(role=Value(DIRECTOR, output_field=CharField()))
    rows = Membership.objects.filter(user=user).values_list("unit_id", "role")
    for unit_id, role in rows.union(scopes.values_list("unit_id", "role"), all=True):
        if role == DIRECTOR:
            roots.add(unit_id)
            continue
        member.add(unit_id)
        if role == Membership.Role.LEADER:
            leader.add(unit_id)
    director = subtree_unit_ids(roots) if roots else set()
    access = Access(frozenset(member), frozenset(leader), frozenset(director), bool(user.is_superuser))
    user._effektspor_access = access
    return access


def unit_list(*, user) -> QuerySet[OrganisationUnit]:
    """Units whose citizens the user may work with (memberships)."""
    return OrganisationUnit.objects.filter(pk__in=access_for(user).member_unit_ids).order_by("name")


def course_list(*, user, open_only: bool = True) -> QuerySet[Course]:
    """Courses in the user's units, with citizen, unit and legal basis joined in."""
    qs = Course.objects.filter(unit_id__in=access_for(user).member_unit_ids).select_related(
        "citizen", "unit", "legal_basis", "end_reason"
    )
    if open_only:
        qs = qs.filter(end__isnull=True)
    return qs


def citizen_list(*, user) -> QuerySet[Citizen]:
    """Citizens with at least one course (open or closed) in the user's units."""
    units = access_for(user).member_unit_ids
    return Citizen.objects.filter(pk__in=Course.objects.filter(unit_id__in=units).values("citizen_id"))


def citizen_search(queryset: QuerySet, value: str, *, path: str = "") -> QuerySet:
    """The citizen search of 'Mine borgere' and the API: the name (case-insensitive in every alphabet: "åse" finds
    "Åse"), or the start of the CPR number (at least the birth date), with or without the hyphen. ``path`` leads from
    the queryset's model to the citizen (``"citizen__"`` for courses)."""
    value = value.strip()
    if not value:
        return queryset
    digits = value.replace("-", "").replace(" ", "")
    condition = Q(_search_name__contains=value.lower())
    if digits.isdigit() and len(digits) >= 6:
        condition |= Q(**{f"{path}cpr__startswith": digits})
    return queryset.alias(_search_name=search.lowered(f"{path}name")).filter(condition)


def citizen_get(*, user, pk: int) -> Citizen:
    """One citizen the user may see, or Http404 (not 403: the existence of a citizen is itself private)."""
    try:
        return citizen_list(user=user).get(pk=pk)
    except Citizen.DoesNotExist:
        raise Http404("No such citizen") from None


def access_request_list(*, user, citizen: Citizen) -> QuerySet[AccessRequest]:
    """The citizen's requests for access registered in units the user leads."""
    units = access_for(user).leader_unit_ids
    return AccessRequest.objects.filter(citizen=citizen, unit_id__in=units).select_related("unit", "registered_by")


def access_request_get(*, user, pk: int) -> AccessRequest:
    """A registered request for access whose record the user may produce, or Http404.

    Only a leader of the unit that registered it, and only while the citizen has (or had) a course there: the
    record is produced by the unit that received the request, and nobody can produce one without a request.
    """
    units = access_for(user).leader_unit_ids
    try:
        return (
            AccessRequest.objects.filter(unit_id__in=units, citizen__courses__unit_id=F("unit_id"))
            .select_related("citizen", "unit")
            .distinct()
            .get(pk=pk)
        )
    except AccessRequest.DoesNotExist:
        raise Http404("No such request") from None


def active_consents(*, unit_ids, citizen: Citizen, today: datetime.date | None = None) -> list[Consent]:
    """The citizen's consents in force today that let one of ``unit_ids`` see other units' records."""
    today = today or timezone.localdate()
    consents = (
        Consent.objects.filter(citizen=citizen, to_unit_id__in=unit_ids, given_on__lte=today, withdrawn_on__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .prefetch_related("from_units")
    )
    return list(consents)


def consent_list(*, user, citizen: Citizen) -> QuerySet[Consent]:
    """Every consent (active or not) the citizen gave to one of the user's units."""
    return (
        Consent.objects.filter(citizen=citizen, to_unit_id__in=access_for(user).member_unit_ids)
        .select_related("to_unit", "given_to")
        .prefetch_related("from_units")
    )


def consent_get(*, user, pk: int) -> Consent:
    try:
        return Consent.objects.filter(to_unit_id__in=access_for(user).member_unit_ids).get(pk=pk)
    except Consent.DoesNotExist:
        raise Http404("No such consent") from None


def shared_scope(*, unit_ids, citizen: Citizen, today: datetime.date | None = None) -> dict[str, set[int]]:
    """Per kind of record (measurements, goals, collaborations), the other units whose records ``unit_ids`` may see
    for this citizen under the consents in force."""
    scope: dict[str, set[int]] = {"measurements": set(), "goals": set(), "collaborations": set()}
    for consent in active_consents(unit_ids=unit_ids, citizen=citizen, today=today):
        from_ids = {u.pk for u in consent.from_units.all()} - set(unit_ids)
        for kind in consent.kinds:
            scope[kind] |= from_ids
    return scope


def citizen_courses(*, user, citizen: Citizen, open_only: bool = False) -> QuerySet[Course]:
    """The citizen's courses (or only the open ones) in the user's units, newest first."""
    return course_list(user=user, open_only=open_only).filter(citizen=citizen).order_by("-start")


def course_get(*, user, pk: int) -> Course:
    try:
        return course_list(user=user, open_only=False).get(pk=pk)
    except Course.DoesNotExist:
        raise Http404("No such course") from None


def partner_list() -> QuerySet[Partner]:
    """Partners are shared organisation-wide and hold no citizen data."""
    return Partner.objects.select_related("sector")


def partner_list_with_use(*, user) -> QuerySet[Partner]:
    """The register, with how often the user's units have worked with each partner and the mean rating."""
    units = access_for(user).member_unit_ids
    in_my_units = Q(collaborations__course__unit_id__in=units)
    return partner_list().annotate(
        n_collaborations=Count("collaborations", filter=in_my_units),
        mean_usefulness=Avg("collaborations__usefulness", filter=in_my_units),
    )


def other_units(*, user) -> QuerySet[OrganisationUnit]:
    """Every unit (leaf of the organisation tree) the user is not a member of: names only, no citizen data."""
    return OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.UNIT).exclude(
        pk__in=access_for(user).member_unit_ids
    )


@dataclass(frozen=True)
class KnownCitizen:
    pk: int
    cpr: str | None
    external_id: str | None
    in_own_units: bool


@dataclass
class CitizenMatches:
    """Which of a set of CPR numbers and external ids are already registered, as registration may use them.

    - ``by_cpr``: every registered CPR number, wherever the citizen is known (a CPR number is the person);
    - ``by_external``: external ids of citizens with a course in the registering user's own units only;
    - ``external_taken``: external ids registered on a citizen elsewhere (not to be stored again, not matched).
    """

    by_cpr: dict[str, KnownCitizen]
    by_external: dict[str, KnownCitizen]
    external_taken: set[str]


def citizen_matches(*, unit_ids, cprs, external_ids, chunk_size: int = 2000) -> CitizenMatches:
    """The one look-up behind registering a citizen from the page, the API and an import (bulk: chunked queries).

    Read without user scoping on purpose: it answers only "the same person as record n", and every channel that
    uses it gives the same answer whether or not there was a match (``tracker.services.citizen_register``).
    """
    cprs, external_ids = sorted(set(filter(None, cprs))), sorted(set(filter(None, external_ids)))
    rows: dict[int, tuple] = {}
    for i in range(0, len(cprs), chunk_size):
        for row in Citizen.objects.filter(cpr__in=cprs[i : i + chunk_size]).values_list("pk", "cpr", "external_id"):
            rows[row[0]] = row
    for i in range(0, len(external_ids), chunk_size):
        chunk = external_ids[i : i + chunk_size]
        for row in Citizen.objects.filter(external_id__in=chunk).values_list("pk", "cpr", "external_id"):
            rows[row[0]] = row
    own: set[int] = set()
    ids = sorted(rows)
    for i in range(0, len(ids), chunk_size):
        own |= set(
            Course.objects.filter(citizen_id__in=ids[i : i + chunk_size], unit_id__in=unit_ids).values_list(
                "citizen_id", flat=True
            )
        )
    wanted_cprs, wanted_externals = set(cprs), set(external_ids)
    by_cpr, by_external, taken = {}, {}, set()
    for pk, cpr, external in rows.values():
        known = KnownCitizen(pk, cpr, external, pk in own)
        if cpr and cpr in wanted_cprs:
            by_cpr[cpr] = known
        if external and external in wanted_externals:
            if known.in_own_units:
                by_external[external] = known
            else:
                taken.add(external)
    return CitizenMatches(by_cpr, by_external, taken)


def collaboration_get(*, user, pk: int):
    """One collaboration around a course in the user's units, or Http404."""
    from tracker.models import Collaboration

    try:
        return (
            Collaboration.objects.filter(course__unit_id__in=access_for(user).member_unit_ids)
            .select_related("course__citizen", "partner__sector", "kind")
            .get(pk=pk)
        )
    except Collaboration.DoesNotExist:
        raise Http404("No such collaboration") from None


def access_request_units(*, user, citizen: Citizen) -> QuerySet[OrganisationUnit]:
    """The units where the user may register the citizen's access request: units they lead where the citizen has a
    course; 404 when there is none (a caseworker learns nothing about whether the citizen exists elsewhere)."""
    units = unit_list(user=user).filter(pk__in=access_for(user).leader_unit_ids, courses__citizen=citizen)
    if not units.exists():
        raise Http404("Not a leader of the citizen's unit")
    return units.distinct()
