"""Danish by default, English through the language switch; the English catalogue is complete."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.mark.django_db
def test_danish_is_the_default(client, world):
    client.force_login(world.alice)
    html = client.get(reverse("tracker:citizen_list")).content.decode()
    assert '<html lang="da">' in html
    assert "Mine borgere" in html


@pytest.mark.django_db
def test_language_switch_gives_english(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("tracker:citizen_list")})
    assert response.status_code == 302
    html = client.get(reverse("tracker:citizen_list")).content.decode()
    assert '<html lang="en">' in html
    assert "My citizens" in html
    assert "Mine borgere" not in html


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    # Entries after the header: an empty single-line msgstr not followed by a continuation line is untranslated.
    entries = text.split("\n\n")[1:]
    empty = [
        e
        for e in entries
        if re.search(r'^msgstr(\[\d\])? ""\s*$', e, re.M) and not re.search(r'^msgstr(\[\d\])? ""\n"', e, re.M)
    ]
    assert empty == []


@pytest.mark.django_db
def test_an_english_browser_still_gets_danish(client, world):
    """Municipal PCs often run an English browser; only the language switch changes the language."""
    client.force_login(world.alice)
    html = client.get(reverse("tracker:citizen_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="da">' in html
