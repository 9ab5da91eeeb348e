"""An instrument's parameters take effect at once: changed in the admin, every figure follows on the next request
(no stored category, no cached page computed under the old values)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outcomes.models import Instrument, TrajectorySummary
from tests.api.helpers import token_client
from tests.figures.conftest import who5
from tests.security.conftest import login_verified

pytestmark = pytest.mark.django_db


def admin_post_data(response) -> dict:
    """The admin change form's current values, as the browser would post them back (inlines included)."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            value = ""
        elif isinstance(value, bool):
            if not value:
                continue
            value = "on"
        data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for sub in formset.forms:
            for name, field in sub.fields.items():
                value = sub.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                if value is None:
                    continue
                if isinstance(value, bool):
                    if not value:
                        continue
                    value = "on"
                if isinstance(value, (list, dict)):
                    import json

                    value = json.dumps(value)
                data[f"{sub.prefix}-{name}"] = value
    return data


def change_in_admin(client, admin, instrument: Instrument, **changes) -> None:
    login_verified(client, admin)
    url = reverse("admin:outcomes_instrument_change", args=[instrument.pk])
    data = admin_post_data(client.get(url))
    data.update({k: str(v) for k, v in changes.items()})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()


def leader_improved(w) -> tuple[int, int]:
    data = token_client(w.lena).get(reverse("api:unit_figures"), {"unit": w.unit_a.pk}).json()
    return data["improved"]["k"], data["improved"]["n"]


def director_improved(w) -> int | None:
    rows = token_client(w.charlie).get(reverse("api:comparison")).json()["rows"]
    return next(r for r in rows if r["key"] == w.unit_a.pk)["improved"]


def test_changing_the_mid_in_the_admin_changes_leader_and_director_counts_at_once(client, three_units):
    w = three_units
    # Classified by the MID (no reliability), MID 10: unit A's eight +12-point changes are improvements.
    Instrument.objects.filter(code="who5").update(reliability=None, reference_sd=None, mid=10)
    assert leader_improved(w) == (8, 8)
    before = director_improved(w)
    assert before is not None and before >= 6  # 8, perturbed by at most 2
    client.force_login(w.lena)
    assert "8 af 8" in client.get(reverse("dashboards:leader_home")).content.decode()
    client.logout()

    change_in_admin(client, w.root, who5(), mid=20)

    assert leader_improved(w) == (0, 8)
    assert director_improved(w) in (0, None)  # none improved: zero (or hidden)
    client.force_login(w.lena)
    page = client.get(reverse("dashboards:leader_home")).content.decode()
    assert "0 af 8" in page
    # The stored categories follow too (the citizen's own page reads them).
    summaries = TrajectorySummary.objects.filter(unit=w.unit_a, instrument=who5(), change__isnull=False)
    assert set(summaries.values_list("category", flat=True)) == {"unchanged"}


def test_changing_the_minimum_interval_in_the_admin_changes_who_is_followed_up(client, three_units):
    w = three_units
    assert leader_improved(w)[1] == 8  # baseline 150 days ago, follow-up 10 days ago: 140 days apart
    change_in_admin(client, w.root, who5(), min_interval_days=200)
    assert leader_improved(w)[1] == 0
    data = token_client(w.lena).get(reverse("api:unit_figures"), {"unit": w.unit_a.pk}).json()
    assert data["coverage"]["k"] == 0 and data["coverage"]["n"] == 0  # nobody is due a follow-up yet
