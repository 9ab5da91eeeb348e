"""``common.forms.apply_service``: a service's ValidationError lands on the field it names, in the form that has it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from common.forms import apply_service


class First(forms.Form):
    name = forms.CharField()


class Second(forms.Form):
    start = forms.DateField()
    item_happy = forms.IntegerField()


def bound(form_class, data):
    form = form_class(data)
    assert form.is_valid()
    return form


def refuse(error):
    def service(**kwargs):
        raise error

    return service


def test_success_returns_the_result_and_leaves_the_form_alone():
    form = bound(First, {"name": "A"})
    assert apply_service(form, lambda **kw: kw["x"] * 2, x=21) == (True, 42)
    assert not form.errors


def test_a_field_error_goes_to_the_form_that_has_the_field():
    first, second = bound(First, {"name": "A"}), bound(Second, {"start": "2026-01-01", "item_happy": 1})
    ok, result = apply_service([first, second], refuse(ValidationError({"start": "For sent."})))
    assert (ok, result) == (False, None)
    assert second.errors == {"start": ["For sent."]} and not first.errors


def test_an_unknown_field_and_a_plain_error_go_above_the_first_form():
    first, second = bound(First, {"name": "A"}), bound(Second, {"start": "2026-01-01", "item_happy": 1})
    apply_service([first, second], refuse(ValidationError({"reason": "Skriv en grund."})))
    apply_service([first, second], refuse(ValidationError("Ikke tilladt.")))
    assert first.non_field_errors() == ["Skriv en grund.", "Ikke tilladt."] and not second.errors


def test_an_item_is_found_by_its_prefix():
    form = bound(Second, {"start": "2026-01-01", "item_happy": 1})
    apply_service(form, refuse(ValidationError({"happy": "Uden for skalaen."})), item_prefix="item_")
    assert form.errors == {"item_happy": ["Uden for skalaen."]}
