"""Static files in production (tracker/settings.py STORAGES): `collectstatic` writes hashed names with brotli and
gzip copies, and WhiteNoise serves them compressed and immutable for a year. Run on a small static folder (the
full `collectstatic` spends seconds compressing plotly.js)."""

from __future__ import annotations

import brotli
import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

PRODUCTION = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SCRIPT = "window.effektspor = " + "[" + ", ".join(str(i) for i in range(2000)) + "];\n"


@pytest.fixture
def collected(settings, tmp_path):
    from tracker import settings as production

    assert production.STORAGES["staticfiles"] == PRODUCTION["staticfiles"]  # what production runs with
    source = tmp_path / "static"
    (source / "js").mkdir(parents=True)
    (source / "js" / "app.js").write_text(SCRIPT)
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = PRODUCTION
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.DEBUG = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.mark.django_db
def test_collectstatic_writes_hashed_compressed_files(collected):
    url = static("js/app.js")
    assert url.startswith("/static/js/app.") and url.endswith(".js") and url != "/static/js/app.js"
    hashed = collected / url.removeprefix("/static/")
    assert hashed.read_text() == SCRIPT
    assert brotli.decompress((collected / (url.removeprefix("/static/") + ".br")).read_bytes()).decode() == SCRIPT
    assert (hashed.parent / (hashed.name + ".gz")).exists()


@pytest.mark.django_db
def test_whitenoise_serves_hashed_files_compressed_and_immutable(collected):
    url = static("js/app.js")
    response = Client().get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert brotli.decompress(body).decode() == SCRIPT
    assert len(body) < len(SCRIPT) / 2
    plain = Client().get(url)  # a client that takes no compression gets the file as it is
    assert "Content-Encoding" not in plain and b"".join(plain.streaming_content).decode() == SCRIPT
    # The unhashed name is served too, but only briefly cached: it changes with every deploy.
    unhashed = Client().get("/static/js/app.js")
    assert unhashed.status_code == 200 and "immutable" not in unhashed["Cache-Control"]
