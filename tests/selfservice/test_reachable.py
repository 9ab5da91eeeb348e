"""Every URL reachable from the locked mode and from a personal link is listed here, and none shows another
citizen's data (acceptance 1).

A crawler follows every link and notes every form on the citizen's pages, from each state they can be in (the
questionnaire, an error, the thank-you page, the exit page; a link opened by token or by code, used, unknown). The
set of URL names it finds must equal the list below: a new link out of these pages fails the test until it is
listed (and checked). Every page reached is searched for the other citizen's data.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from outcomes import services as outcome_services
from selfservice import tokens
from tests.selfservice.conftest import lock_tablet, new_link, who5, who5_post

pytestmark = pytest.mark.django_db

# Reachable from the locked tablet mode: its own three pages and the language switch. Nothing else.
FROM_TABLET = {"selfservice:tablet", "selfservice:tablet_thanks", "selfservice:tablet_exit", "set_language"}
# Reachable from a personal link: the link, the code page and its answer, the language switch, and the public
# accessibility statement (the law requires the link to it; it holds no citizen data).
FROM_LINK = {
    "selfservice:link",
    "selfservice:code",
    "selfservice:code_answer",
    "set_language",
    "tracker:accessibility",
}
# Pages named above that lead out of the citizen's pages to public pages (not crawled further: not ours).
LEAVES = {"set_language", "tracker:accessibility"}

REFERENCE = re.compile(r"""<(a|form)\b[^>]*?\b(?:href|action)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def references(html: str, here: str) -> set[str]:
    found = set()
    for _tag, url in REFERENCE.findall(html):
        url = unescape(url)
        if url.startswith("#") or url.startswith("data:"):
            continue
        path = urlsplit(url).path or here
        if path.startswith("/static/"):
            continue
        found.add(path)
    return found


def url_name(path: str) -> str:
    match = resolve(path)
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def assert_no_secrets(html: str, secrets: list[str], where: str) -> None:
    for secret in secrets:
        assert secret not in html, f"{where} shows {secret!r}"


def crawl(client, start_pages: list[tuple[str, str]], secrets: list[str]) -> set[str]:
    """URL names of the given pages ((path, html) pairs) and of every page reachable from them; every GET-able page
    found is fetched and checked."""
    names, seen = {url_name(path) for path, _html in start_pages}, set()
    queue = list(start_pages)
    while queue:
        path, html = queue.pop()
        assert_no_secrets(html, secrets, path)
        for ref in references(html, path):
            name = url_name(ref)
            names.add(name)
            if ref in seen or name in LEAVES:
                continue
            seen.add(ref)
            response = client.get(ref)
            assert response.status_code in (200, 302, 404, 405, 410), (ref, response.status_code)
            if response.status_code == 302:
                target = urlsplit(response.url).path
                names.add(url_name(target))
                response = client.get(target)
                ref = target
            if response.headers.get("Content-Type", "").startswith("text/html"):
                queue.append((ref, response.content.decode()))
    return names


@pytest.fixture
def citizen_b_data(world):
    outcome_services.measurement_record(
        course=world.course_b,
        instrument=who5(),
        answers={"happy": 2, "calm": 2, "active": 2, "rested": 2, "interest": 2},
        date=timezone.localdate(),
        informer="citizen",
        recorded_by=world.bob,
        note="B-SECRET-NOTE",
    )
    return [world.citizen_b.name, "B-SECRET-NOTE", "0101901234", "010190-", world.unit_b.name]


def test_everything_reachable_from_the_locked_mode_is_listed_and_shows_no_other_citizen(client, world, citizen_b_data):
    lock_tablet(client, world)
    pages = {}
    pages["tablet"] = client.get("/selvbesvarelse/tablet/").content.decode()
    pages["error"] = client.post("/selvbesvarelse/tablet/", {"item_happy": "3"}).content.decode()
    pages["exit"] = client.get(reverse("selfservice:tablet_exit")).content.decode()
    pages["exit-wrong"] = client.post(reverse("selfservice:tablet_exit"), {"password": "nope"}).content.decode()
    client.post("/selvbesvarelse/tablet/", who5_post())
    pages["thanks"] = client.get(reverse("selfservice:tablet_thanks")).content.decode()
    assert "Tak for dine svar" in pages["thanks"]
    tablet = "/selvbesvarelse/tablet/"
    start = [
        (tablet, pages["tablet"]),
        (tablet, pages["error"]),
        (reverse("selfservice:tablet_exit"), pages["exit"]),
        (reverse("selfservice:tablet_exit"), pages["exit-wrong"]),
        (reverse("selfservice:tablet_thanks"), pages["thanks"]),
    ]
    names = crawl(client, start, citizen_b_data)
    assert names == FROM_TABLET


def test_everything_reachable_from_a_link_is_listed_and_shows_no_citizen(client, world, citizen_b_data):
    link = new_link(world)
    secrets = [*citizen_b_data, world.citizen_a.name]  # a link's pages name nobody, not even its own citizen
    token_url = reverse("selfservice:link", args=[link.token])
    pages = {token_url: client.get(token_url).content.decode()}
    pages[token_url + "#error"] = client.post(token_url, {"item_happy": "1"}).content.decode()
    by_code = client.post(reverse("selfservice:code"), {"code": link.code}).content.decode()
    pages[reverse("selfservice:code") + "#opened"] = by_code
    pages[reverse("selfservice:code") + "#wrong"] = client.post(
        reverse("selfservice:code"), {"code": "ZZZZZZZZ"}
    ).content.decode()
    ticket = re.search(r'name="ticket" value="([^"]+)"', by_code).group(1)
    answered = client.post(reverse("selfservice:code_answer"), {**who5_post(), "ticket": ticket})
    pages[reverse("selfservice:code_answer") + "#thanks"] = answered.content.decode()
    pages[token_url + "#used"] = client.get(token_url).content.decode()
    pages[reverse("selfservice:link", args=["x" * 43]) + "#unknown"] = client.get(
        reverse("selfservice:link", args=["x" * 43])
    ).content.decode()
    pages["/b/svar/#stale"] = client.post(reverse("selfservice:code_answer"), {"ticket": "bad"}).content.decode()
    start = [(key.split("#")[0], html) for key, html in pages.items()]
    names = crawl(client, start, secrets)
    assert names == FROM_LINK
    assert tokens.format_code(link.code) not in "".join(pages.values())
