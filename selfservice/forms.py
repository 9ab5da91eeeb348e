"""Forms for self-completion: the caseworker's hand-over, the citizen's answers, the code and the password."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from outcomes.forms import MeasurementForm
from selfservice import tokens
from selfservice.models import SelfCompletion
from selfservice.services import LINK_DAYS_DEFAULT, LINK_DAYS_MAX


class HandoverForm(forms.Form):
    """Which course (when the citizen has several open ones in the user's units), instrument and layout."""

    course = forms.ModelChoiceField(label=_("Forløb"), queryset=None, empty_label=None)
    instrument = forms.ModelChoiceField(label=_("Skema"), queryset=None, empty_label=None, widget=forms.RadioSelect)
    layout = forms.ChoiceField(
        label=_("Visning"),
        choices=SelfCompletion.Layout.choices,
        initial=SelfCompletion.Layout.ONE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, courses, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["course"].label_from_instance = lambda c: f"{c.unit.name} ({c.legal_basis.paragraph})"
        self.fields["instrument"].queryset = instruments
        self.fields["instrument"].label_from_instance = lambda i: i.name
        if len(courses) == 1:
            self.fields["course"].initial = courses[0].pk
            self.fields["course"].widget = forms.HiddenInput()
        if len(instruments):
            self.fields["instrument"].initial = instruments[0].pk


class LinkForm(HandoverForm):
    days = forms.IntegerField(
        label=_("Gyldigt i antal dage"), min_value=1, max_value=LINK_DAYS_MAX, initial=LINK_DAYS_DEFAULT
    )


class AnswerForm(MeasurementForm):
    """The instrument's items only: the date is today, the informer the citizen, and there is no staff note."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date", "informer", "note", "confirm_duplicate"):
            del self.fields[name]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Din kode"),
        max_length=20,
        help_text=_("Otte tegn, fx ABCD-EFGH. Står på papiret fra din medarbejder."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = tokens.normalise_code(self.cleaned_data["code"])
        if not tokens.looks_like_code(code):
            raise forms.ValidationError(_("Koden består af otte bogstaver og tal. Tjek at den er skrevet rigtigt."))
        return code


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Medarbejderens adgangskode"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
