"""The personal link: created by a caseworker, answered once by the citizen without logging in.

Acceptance (selfservice/): a used or expired link is refused and saves nothing; a link for citizen A cannot show or
record anything for citizen B; guessing is rate-limited; the QR sheet needs no network.
"""

from __future__ import annotations

import base64
import datetime
import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Completion, Informer, Instrument, Measurement
from selfservice import ratelimit, services, tokens
from selfservice.models import SelfCompletion
from selfservice.views import TICKET_SALT
from tests.factories import row_counts
from tests.selfservice.conftest import new_link, who5, who5_post
from tracker.models import AuditEntry

pytestmark = pytest.mark.django_db


def link_url(token: str) -> str:
    return reverse("selfservice:link", args=[token])


# --- Creating a link ------------------------------------------------------------------------------------------------


def create_by_view(client, world, days: str = "7"):
    client.force_login(world.alice)
    data = {
        "link-course": str(world.course_a.pk),
        "link-instrument": str(who5().pk),
        "link-layout": "all",
        "link-days": days,
    }
    return client.post(reverse("selfservice:link_create", args=[world.citizen_a.pk]), data)


def test_the_caseworker_creates_a_link_and_gets_the_sheet_once(client, world):
    response = create_by_view(client, world)
    assert response.status_code == 200
    html = response.content.decode()
    completion = SelfCompletion.objects.get()
    assert (completion.channel, completion.course, completion.instrument.code) == ("link", world.course_a, "who5")
    assert completion.created_by == world.alice
    # Valid for the default 7 days.
    assert abs(completion.expires_at - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(minutes=1)
    code = re.search(r'class="sheet-code">([A-Z0-9]{4}-[A-Z0-9]{4})<', html).group(1)
    # Only keyed hashes are stored: neither the code nor the token is in the row.
    assert completion.code_hash == tokens.code_hash(code)
    stored = " ".join(str(v) for v in SelfCompletion.objects.values().get().values())
    assert code.replace("-", "") not in stored
    qr_svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)).decode()
    assert qr_svg.startswith("<?xml") or "<svg" in qr_svg
    # The creation is logged, with the caseworker and the citizen.
    entry = AuditEntry.objects.get(action="create", object_type="selfservice.selfcompletion")
    assert (entry.user, entry.citizen_id) == (world.alice, world.citizen_a.pk)


def test_the_sheet_has_no_external_url_or_resource(client, world):
    """The QR code is drawn by the server; the sheet works on a closed municipal network (acceptance 3)."""
    html = create_by_view(client, world).content.decode()
    references = re.findall(r"""(?:src|href|action)\s*=\s*["']([^"']*)["']""", html)
    references += re.findall(r"url\(([^)]*)\)", html)
    assert references
    for ref in references:
        assert ref.startswith(("/", "#", "data:")) or ref == "", ref
    # The only absolute addresses are this site's own (the address printed for typing the code).
    hosts = set(re.findall(r"https?://([^/\s\"'<]+)", html))
    assert hosts <= {"testserver"}, hosts
    assert "<img" in html and 'src="data:image/svg+xml;base64,' in html


def test_link_days_are_bounded(client, world):
    assert create_by_view(client, world, days="0").status_code == 400
    assert create_by_view(client, world, days="31").status_code == 400
    assert not SelfCompletion.objects.exists()
    assert create_by_view(client, world, days="30").status_code == 200


def test_no_link_for_a_licensed_or_goal_instrument(world):
    for code in ("ors", "gas"):
        with pytest.raises(Exception):  # noqa: B017 - ValidationError from the service
            new_link(world, instrument=Instrument.objects.get(code=code))
    assert not SelfCompletion.objects.exists()


def test_bob_cannot_create_a_link_for_citizen_a(client, world):
    client.force_login(world.bob)
    data = {"link-course": str(world.course_a.pk), "link-instrument": str(who5().pk), "link-layout": "all"}
    assert client.post(reverse("selfservice:link_create", args=[world.citizen_a.pk]), data).status_code == 404
    # Nor through his own citizen's page with citizen A's course: the course is not among his choices.
    data["link-days"] = "7"
    response = client.post(reverse("selfservice:link_create", args=[world.citizen_b.pk]), data)
    assert response.status_code == 400
    assert not SelfCompletion.objects.exists()


# --- Answering by the link --------------------------------------------------------------------------------------------


def test_the_citizen_answers_by_the_link(client, world, link):
    response = client.get(link_url(link.token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "WHO-5" in html and 'name="item_happy"' in html
    # No name on the citizen's page: a lost sheet or a forwarded link reveals nobody.
    assert world.citizen_a.name not in html and world.citizen_b.name not in html
    response = client.post(link_url(link.token), who5_post())
    assert response.status_code == 200
    assert "Tak for dine svar" in response.content.decode()
    measurement = Measurement.objects.get()
    assert measurement.course == world.course_a
    assert (measurement.informer, measurement.completion) == (Informer.CITIZEN, Completion.LINK)
    assert (measurement.recorded_by, measurement.score, measurement.date) == (world.alice, 76, timezone.localdate())
    link.completion.refresh_from_db()
    assert link.completion.used_at is not None and link.completion.measurement == measurement
    # Opening, recording and using the link are logged with the caseworker as the responsible user.
    entries = list(AuditEntry.objects.filter(citizen_id=world.citizen_a.pk).order_by("pk"))
    assert [(e.action, e.purpose) for e in entries[-3:]] == [
        ("read", "selfservice_link_opened"),
        ("create", ""),
        ("change", "selfservice_link_used"),
    ]
    assert {e.user for e in entries} == {world.alice}


def test_a_used_link_is_refused_and_saves_nothing(client, world, link):
    assert client.post(link_url(link.token), who5_post()).status_code == 200
    before = row_counts()
    response = client.post(
        link_url(link.token), who5_post({"happy": 0, "calm": 0, "active": 0, "rested": 0, "interest": 0})
    )
    assert response.status_code == 410
    assert "allerede" in response.content.decode()
    response = client.get(link_url(link.token))
    assert response.status_code == 410 and "allerede" in response.content.decode()
    assert row_counts() == before
    assert Measurement.objects.get().score == 76


def test_an_expired_link_is_refused_and_saves_nothing(client, world, link):
    SelfCompletion.objects.filter(pk=link.completion.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    before = row_counts()
    for response in (client.get(link_url(link.token)), client.post(link_url(link.token), who5_post())):
        assert response.status_code == 410
        assert "udløbet" in response.content.decode()
    assert row_counts() == before
    assert not Measurement.objects.exists()


def test_a_closed_link_is_refused(client, world, link):
    client.force_login(world.alice)
    assert client.post(reverse("selfservice:handover_close", args=[link.completion.pk])).status_code == 302
    client.logout()
    before = row_counts()
    response = client.post(link_url(link.token), who5_post())
    assert response.status_code == 410 and "lukket" in response.content.decode()
    assert row_counts() == before


def test_bob_cannot_close_citizen_a_link(client, world, link):
    client.force_login(world.bob)
    assert client.post(reverse("selfservice:handover_close", args=[link.completion.pk])).status_code == 404
    link.completion.refresh_from_db()
    assert link.completion.revoked_at is None


def test_incomplete_answers_save_nothing_and_keep_the_link_open(client, world, link):
    before = row_counts()
    response = client.post(link_url(link.token), who5_post({"happy": 3, "calm": 4}))
    assert response.status_code == 400
    assert row_counts() == before
    link.completion.refresh_from_db()
    assert link.completion.used_at is None
    assert client.post(link_url(link.token), who5_post()).status_code == 200


def test_two_racing_submissions_record_once(world, link):
    services.answers_submit(
        completion=link.completion, answers={"happy": 1, "calm": 1, "active": 1, "rested": 1, "interest": 1}
    )
    stale = SelfCompletion.objects.get(pk=link.completion.pk)
    stale.used_at = None  # a second request that read the row before the first one committed
    with pytest.raises(services.Refused):
        services.answers_submit(
            completion=stale, answers={"happy": 5, "calm": 5, "active": 5, "rested": 5, "interest": 5}
        )
    assert Measurement.objects.count() == 1


# --- Citizen A's link and citizen B --------------------------------------------------------------------------------


def test_a_link_for_citizen_a_cannot_record_for_citizen_b(client, world, link):
    """Whatever the request carries, the course is the link's: extra fields naming B's course are ignored."""
    data = {**who5_post(), "course": world.course_b.pk, "course_pk": world.course_b.pk, "citizen": world.citizen_b.pk}
    assert client.post(link_url(link.token), data).status_code == 200
    assert Measurement.objects.get().course == world.course_a
    assert not Measurement.objects.filter(course=world.course_b).exists()


def test_a_ticket_cannot_be_moved_to_another_link(client, world, link):
    link_b = new_link(world, course=world.course_b, user=world.bob)
    # A ticket is signed for one hand-over; changing the pk inside it breaks the signature.
    ticket = signing.dumps(link.completion.pk, salt=TICKET_SALT)
    payload, _sep, signature = ticket.partition(":")
    forged = signing.dumps(link_b.completion.pk, salt=TICKET_SALT).partition(":")[0] + ":" + signature
    before = row_counts()
    response = client.post(reverse("selfservice:code_answer"), {**who5_post(), "ticket": forged})
    assert response.status_code == 400
    assert row_counts() == before
    # Signed for another purpose (another salt): refused too.
    other = signing.dumps(link_b.completion.pk, salt="something-else")
    assert client.post(reverse("selfservice:code_answer"), {**who5_post(), "ticket": other}).status_code == 400
    assert not Measurement.objects.exists()


def test_the_pages_of_a_link_for_a_show_nothing_of_b(client, world, link):
    from outcomes import services as outcome_services

    outcome_services.measurement_record(
        course=world.course_b,
        instrument=who5(),
        answers={"happy": 1, "calm": 1, "active": 1, "rested": 1, "interest": 1},
        date=timezone.localdate(),
        informer="citizen",
        recorded_by=world.bob,
        note="B-NOTE",
    )
    pages = [client.get(link_url(link.token)), client.post(link_url(link.token), who5_post())]
    for response in pages:
        html = response.content.decode()
        for secret in (world.citizen_b.name, "B-NOTE", world.citizen_a.name, "0101901234", "010190"):
            assert secret not in html


# --- The short code ---------------------------------------------------------------------------------------------------


def test_the_citizen_types_the_code_and_answers(client, world, link):
    response = client.post(reverse("selfservice:code"), {"code": tokens.format_code(link.code).lower()})
    assert response.status_code == 200
    html = response.content.decode()
    ticket = re.search(r'name="ticket" value="([^"]+)"', html).group(1)
    assert f'action="{reverse("selfservice:code_answer")}"' in html
    response = client.post(reverse("selfservice:code_answer"), {**who5_post(), "ticket": ticket})
    assert response.status_code == 200
    assert Measurement.objects.get().completion == Completion.LINK
    # The same code or ticket cannot be used again.
    assert client.post(reverse("selfservice:code"), {"code": link.code}).status_code == 410
    assert client.post(reverse("selfservice:code_answer"), {**who5_post(), "ticket": ticket}).status_code == 410
    assert Measurement.objects.count() == 1


def test_a_wrong_code_is_refused_kindly(client, world, link):
    wrong = "ABCDEFGH" if link.code != "ABCDEFGH" else "HGFEDCBA"
    response = client.post(reverse("selfservice:code"), {"code": wrong})
    assert response.status_code == 404
    assert "Vi kan ikke finde den kode" in response.content.decode()
    assert client.post(reverse("selfservice:code"), {"code": "12"}).status_code == 400


# --- Guessing is rate-limited -----------------------------------------------------------------------------------------


def test_guessing_codes_is_rate_limited_by_address(client, world, link):
    """After 10 wrong codes from one address, even the right code opens nothing there for 15 minutes."""
    alphabet = tokens.CODE_ALPHABET
    guesses = [alphabet[i] * 8 for i in range(ratelimit.FAILURES_PER_ADDRESS)]
    assert link.code not in guesses
    for guess in guesses:
        assert client.post(reverse("selfservice:code"), {"code": guess}).status_code == 404
    opened_before = AuditEntry.objects.filter(purpose="selfservice_link_opened").count()
    response = client.post(reverse("selfservice:code"), {"code": link.code})
    assert response.status_code == 429
    assert "For mange forsøg" in response.content.decode()
    assert client.get(link_url(link.token)).status_code == 429
    assert AuditEntry.objects.filter(purpose="selfservice_link_opened").count() == opened_before
    # Another address is not affected.
    assert client.post(reverse("selfservice:code"), {"code": link.code}, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_guessing_tokens_is_rate_limited_by_address(client, world, link):
    for n in range(ratelimit.FAILURES_PER_ADDRESS):
        assert client.get(link_url(f"not-a-token-{n}")).status_code == 404
    assert client.get(link_url(link.token)).status_code == 429
    assert not Measurement.objects.exists()


def test_one_code_has_a_budget_of_attempts_across_addresses(client, world, link):
    for n in range(ratelimit.ATTEMPTS_PER_CODE):
        assert client.get(link_url(link.token), REMOTE_ADDR=f"10.0.{n // 200}.{n % 200}").status_code == 200
    response = client.post(link_url(link.token), who5_post(), REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert not Measurement.objects.exists()


def test_the_limits_live_in_shared_storage(world, link, rf):
    """The database (or Redis in production), not a dict in one process."""
    from tracker.models import RateCounter

    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    for _ in range(ratelimit.FAILURES_PER_ADDRESS):
        ratelimit.record_failure(request)
    assert ratelimit.address_blocked(request)
    assert RateCounter.objects.filter(count=ratelimit.FAILURES_PER_ADDRESS).exists()
    RateCounter.objects.all().delete()
    assert not ratelimit.address_blocked(request)


# --- Tokens -----------------------------------------------------------------------------------------------------------


def test_codes_and_tokens():
    code = tokens.new_code()
    assert len(code) == 8 and set(code) <= set(tokens.CODE_ALPHABET)
    assert not set("01OIL") & set(tokens.CODE_ALPHABET)
    assert tokens.normalise_code(" abcd-efgh ") == "ABCDEFGH"
    assert tokens.code_hash("abcd-efgh") == tokens.code_hash("ABCDEFGH")
    token = tokens.new_token()
    assert len(token) >= 43
    assert tokens.token_hash(token) != tokens.token_hash(token + "x")
    assert token not in tokens.token_hash(token)
    assert len({tokens.new_code() for _ in range(50)}) == 50
