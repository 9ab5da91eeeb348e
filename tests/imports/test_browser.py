"""The import in Chromium: upload, preview, apply — and a background import whose page follows the worker by itself
(the static poll in static/js/imports.js), with no console error, no CSP violation and no serious axe-core violation.

Uses the browser fixtures of tests/browser (system Chromium; skipped when it is missing)."""

from __future__ import annotations

import datetime

import pytest

from tests.browser.conftest import _restore_reference_data, browser, open_page  # noqa: F401 (fixtures)
from tests.browser.pages import check_page, log_in


@pytest.fixture
def importer(open_page, transactional_db):  # noqa: F811
    from tests import factories
    from tracker.reference import load_reference_data

    load_reference_data()
    world = factories.build_world()
    w = open_page()
    log_in(w, "alice", factories.PASSWORD)
    return w, world


def upload(w, tmp_path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    w.goto("/import/")
    check_page(w)
    w.page.get_by_label("Fil (CSV eller Excel)").set_input_files(str(path))
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Kontrollér filen").click()


def test_upload_preview_and_apply_in_the_browser(importer, tmp_path):
    from tracker.models import Citizen

    w, _world = importer
    start = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()
    day = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
    content = (
        "cpr;navn;enhed;lovgrundlag;forløb_start;måleredskab;dato;happy;calm;active;rested;interest\n"
        f"020385-1111;Carl Carlsen;a;§ 85;{start};who5;{day};3;3;3;3;3\n"
    ).encode("cp1252")
    upload(w, tmp_path, "borgere.csv", content)
    assert w.page.get_by_text("Klar til import").is_visible()
    check_page(w, screenshot="caseworker-import-preview.png")
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="Godkend og importér").click()
    assert w.page.get_by_text("Importen er gennemført.").is_visible()
    check_page(w)
    assert Citizen.objects.get(cpr="0203851111").courses.get().measurements.get().score == 60


def test_a_background_import_page_follows_the_worker_without_reloading(importer, tmp_path, settings):
    from devtools.import_benchmark import generate_csv, run_queued_tasks

    settings.EFFEKTSPOR_IMPORT_SYNC_MAX_ROWS = 5
    w, _world = importer
    upload(w, tmp_path, "stor.csv", generate_csv(20, unit_code="a"))
    assert w.page.locator("progress#import-progress").is_visible()
    assert w.page.get_by_text("Venter på baggrundsprocessen …").is_visible()
    check_page(w)
    w.page.evaluate("window.__same_page = true")
    assert run_queued_tasks() == 1
    # The static poll fetches the page again and puts the new status in place: the preview appears by itself.
    w.page.get_by_role("button", name="Godkend og importér i baggrunden").wait_for(timeout=10_000)
    assert w.page.evaluate("window.__same_page === true")  # no reload
    assert w.page.locator("progress").count() == 0
    check_page(w)
