"""The first visit to a chart page, measured in Chromium with static files served as production serves them.

The suite's live server (pytest-django) serves ``/static/`` through Django's ``StaticFilesHandler``: straight from
``static/``, uncompressed, before any middleware. Production runs ``collectstatic`` with WhiteNoise's
``CompressedManifestStaticFilesStorage`` and lets ``WhiteNoiseMiddleware`` serve the hashed names with their brotli
or gzip copies (docs/operations.md, Static files). :func:`collect_production_static` writes such a folder, and
:func:`production_server` starts a second live server whose static handler passes ``/static/`` on to the
application, so that WhiteNoise in the middleware serves it from that folder.

The figures are reported, not asserted: each test run writes them to ``var/browser-timings.json`` and the browser
tests' ``pytest_terminal_summary`` (tests/browser/conftest.py) prints them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
# Only our own static/ is collected: the chart pages use nothing from the apps' static folders (a page that did
# would fail on the missing manifest entry), and the cache below is keyed by static/ alone.
OWN_FILES_ONLY = ["django.contrib.staticfiles.finders.FileSystemFinder"]
TIMINGS_FILE = Path(settings.BASE_DIR) / "var" / "browser-timings.json"
FIRST_VISITS = pytest.StashKey[dict]()

# Run in the page before any of its scripts (an init script, so the Content-Security-Policy does not apply): the
# moment every chart on the first screen (the window as the page loaded) has been drawn by charts.js and holds
# plotly's SVG, and the moment every chart on the page has, in ms since the navigation started (charts.js draws
# the others as they are scrolled to: the test scrolls once it has the first); and the long animation frames, whose
# script entries say how long evaluating plotly.js kept the page busy.
RECORD_IN_PAGE = """
const drawn = el => el.dataset.drawn === "true" && el.querySelector("svg.main-svg");
let firstScreen = null;
const check = () => {
  const charts = [...document.querySelectorAll("[data-chart]")];
  if (!charts.length) return;
  if (firstScreen === null && document.readyState !== "loading") {
    firstScreen = charts.filter(el => el.getBoundingClientRect().top < window.innerHeight);
    window.__firstScreenCharts = firstScreen.length;
  }
  if (firstScreen !== null && window.__firstScreenDrawn === undefined && firstScreen.every(drawn)) {
    window.__firstScreenDrawn = performance.now();
  }
  if (window.__chartsDrawn === undefined && charts.every(drawn)) window.__chartsDrawn = performance.now();
};
new MutationObserver(check).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-drawn"]});
document.addEventListener("DOMContentLoaded", check);
window.addEventListener("load", check);
window.__frames = [];
if (PerformanceObserver.supportedEntryTypes.includes("long-animation-frame")) {
  new PerformanceObserver(list => window.__frames.push(...list.getEntries()))
    .observe({type: "long-animation-frame", buffered: true});
}
"""
NAVIGATION_FIGURES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const plotly = resources.find(r => r.name.includes("/plotly-effektspor."));
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const evaluation = window.__frames.flatMap(f => f.scripts)
    .filter(s => s.sourceURL.includes("/plotly-effektspor.")).reduce((sum, s) => sum + s.duration, 0);
  return {
    server_ms: nav.responseStart - nav.startTime,
    first_contentful_paint_ms: paint ? paint.startTime : null,
    plotly_fetched_ms: plotly.responseEnd - nav.startTime,
    plotly_evaluation_ms: window.__frames.length ? evaluation : null,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd - nav.startTime,
    first_screen_drawn_ms: window.__firstScreenDrawn,
    first_screen_charts: window.__firstScreenCharts,
    charts_drawn_ms: window.__chartsDrawn,
    load_ms: nav.loadEventEnd - nav.startTime,
    requests: 1 + resources.length,
    plotly_transferred_bytes: plotly.transferSize,
    plotly_decoded_bytes: plotly.decodedBodySize,
  };
}"""


def collect_production_static() -> Path:
    """``static/`` collected with the production storage: hashed names, each with a ``.br`` and a ``.gz`` copy.

    Compressing plotly.js with brotli takes a few seconds of CPU, so the folder is kept in ``var/browser-static/``
    under a digest of ``static/`` and made again only when a file there changes. It is collected into a temporary
    folder and renamed into place, so that two suites starting at once (CI runs SQLite and PostgreSQL side by
    side) never see half a folder. Only the hashed names are kept: the pages link to nothing else."""
    sources = sorted(p for d in settings.STATICFILES_DIRS for p in Path(d).rglob("*") if p.is_file())
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.relative_to(settings.BASE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    cache = Path(settings.BASE_DIR) / "var" / "browser-static"
    target = cache / digest.hexdigest()[:16]
    if (target / "staticfiles.json").exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.iterdir():  # older versions, and what an interrupted run left a day ago or earlier
        if not stale.name.startswith("tmp") or stale.stat().st_mtime < time.time() - 24 * 60 * 60:
            shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix="tmp", dir=cache))
    with override_settings(
        STATIC_ROOT=work,
        STATICFILES_FINDERS=OWN_FILES_ONLY,
        STORAGES={**settings.STORAGES, "staticfiles": PRODUCTION_STORAGE},
        WHITENOISE_KEEP_ONLY_HASHED_FILES=True,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    try:
        work.rename(target)
    except OSError:  # another suite got there first with the same files
        shutil.rmtree(work, ignore_errors=True)
    return target


def _static_reaches_the_application(application):
    """A live server's static handler that handles nothing: ``/static/`` goes to WhiteNoiseMiddleware."""
    return application


def production_server(settings_fixture, static_root: Path):
    """A live server (stop it after use) whose static files WhiteNoise serves from ``static_root``, compressed
    and hashed; ``settings_fixture`` is pytest-django's ``settings``, so the storage is put back after the test."""
    from pytest_django.live_server_helper import LiveServer

    settings_fixture.STATIC_ROOT = static_root
    settings_fixture.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STORAGE}
    settings_fixture.WHITENOISE_USE_FINDERS = False
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = _static_reaches_the_application
    server.start()
    return server


def _median(values: list) -> int | None:
    known = [value for value in values if value is not None]
    return round(statistics.median(known)) if known else None


def record(config, page: str, visits: list[dict]) -> dict:
    """The median of each figure over the visits, kept for the terminal summary and written to TIMINGS_FILE."""
    figures = {key: _median([v[key] for v in visits]) for key in visits[0] if key != "encoding"}
    figures["plotly_encoding"] = visits[0]["encoding"]
    figures["visits"] = len(visits)
    figures["load_ms_each"] = [round(v["load_ms"]) for v in visits]
    figures["first_screen_drawn_ms_each"] = [round(v["first_screen_drawn_ms"]) for v in visits]
    timings = config.stash.setdefault(FIRST_VISITS, {})
    timings[page] = figures
    TIMINGS_FILE.parent.mkdir(parents=True, exist_ok=True)
    TIMINGS_FILE.write_text(json.dumps(timings, indent=2) + "\n", encoding="utf-8")
    return figures


def summary_lines(timings: dict) -> list[str]:
    """Two lines per page for pytest's terminal summary."""
    lines = []
    for page, f in timings.items():
        lines.append(
            f"{page}: load {f['load_ms']} ms, the first screen's {f['first_screen_charts']} charts drawn "
            f"{f['first_screen_drawn_ms']} ms (median of {f['visits']} visits: {f['first_screen_drawn_ms_each']} ms; "
            f"load {f['load_ms_each']} ms); all charts, scrolled to, {f['charts_drawn_ms']} ms"
        )
        lines.append(
            f"    server {f['server_ms']} ms, first paint {f['first_contentful_paint_ms']} ms, plotly.js in at "
            f"{f['plotly_fetched_ms']} ms ({f['plotly_transferred_bytes']:,} bytes {f['plotly_encoding']} of "
            f"{f['plotly_decoded_bytes']:,}), evaluating it {f['plotly_evaluation_ms']} ms; {f['requests']} requests"
        )
    return lines
