"""Forms for measurements and goals: built from the instrument's definition, validated by the scoring module."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outcomes import scoring
from outcomes.models import Goal, GoalReview, Informer, Instrument, InstrumentItem
from outcomes.services import scoring_messages
from tracker.forms import DateInput, ReasonForm

ITEM_PREFIX = "item_"


def anchored(choices: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A plain 0–10 rating with its ends named, so the citizen knows which way the scale runs."""
    if not choices or any(label != str(value) for value, label in choices):
        return choices  # the items have their own labels
    low, high = min(v for v, _label in choices), max(v for v, _label in choices)
    ends = {low: _("%(value)s = meget dårligt") % {"value": low}, high: _("%(value)s = rigtig godt") % {"value": high}}
    return [(value, ends.get(value, label)) for value, label in choices]


class MeasurementForm(forms.Form):
    """All items of one instrument on one page, plus date, who answered and a note.

    Every item is a field named ``item_<linkId>``; WHO-5 and the life-domain rating as radio choices (quick
    on a tablet, usable by keyboard), totals as numbers. Validation is the scoring module's, so the form and
    the service can never disagree on what a valid answer is.
    """

    date = forms.DateField(label=_("Dato"), widget=DateInput())
    informer = forms.ChoiceField(label=_("Hvem svarede"), choices=Informer.choices, initial=Informer.CITIZEN)
    note = forms.CharField(
        label=_("Note (kun for medarbejdere)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Ja, registrér endnu en måling samme dag"), required=False, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args,
        instrument: Instrument,
        items: list[InstrumentItem] | None = None,
        existing_dates: set | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.items = list(instrument.items.all()) if items is None else items
        self.existing_dates = existing_dates or set()
        self.fields["date"].initial = timezone.localdate()
        profile = instrument.scoring == Instrument.Scoring.PROFILE
        for item in self.items:
            name = ITEM_PREFIX + item.link_id
            if item.options or profile:
                choices = item.choices()
                if profile:
                    choices = [*anchored(choices), ("", _("Ikke vurderet"))]
                # A CharField, not a ChoiceField: the scoring module alone judges the answer, so an
                # out-of-range value gets one clear message instead of two.
                self.fields[name] = forms.CharField(
                    label=item.text, required=False, widget=forms.RadioSelect(choices=choices)
                )
            else:
                self.fields[name] = forms.CharField(
                    label=item.text,
                    required=False,
                    widget=forms.NumberInput(
                        attrs={"min": item.min_value, "max": item.max_value, "inputmode": "numeric"}
                    ),
                )
            self.fields[name].item = item
        # Items first, then the details: the citizen's answers are what the page is about.
        order = [ITEM_PREFIX + i.link_id for i in self.items] + ["date", "informer", "note", "confirm_duplicate"]
        self.order_fields(order)

    def item_fields(self):
        return [self[ITEM_PREFIX + item.link_id] for item in self.items]

    def detail_fields(self):
        return [self["date"], self["informer"], self["note"]]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("Datoen må ikke ligge i fremtiden."))
        return date

    def answers(self) -> dict[str, object]:
        raw = {}
        for item in self.items:
            value = self.data.get(self.add_prefix(ITEM_PREFIX + item.link_id), "")
            raw[item.link_id] = value.strip() if isinstance(value, str) else value
        return raw

    def clean(self):
        cleaned = super().clean()
        try:
            result = scoring.score_answers(self.instrument.definition(self.items), self.answers())
        except scoring.ScoringError as exc:
            for key, message in scoring_messages(exc.errors).items():
                field = ITEM_PREFIX + key if key != "__all__" else None
                self.add_error(field if field in self.fields else None, message)
            return cleaned
        cleaned["answers"] = result.answers
        date = cleaned.get("date")
        seen = (date, "staff" if cleaned.get("informer") == Informer.STAFF else "citizen")
        if seen in self.existing_dates and not cleaned.get("confirm_duplicate"):
            # Ask once; the hidden field turns into a visible checkbox on the re-rendered form.
            self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm_duplicate",
                _("Der er allerede registreret en %(name)s denne dag. Sæt kryds for at registrere endnu en.")
                % {"name": self.instrument.short_name},
            )
        return cleaned


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "text",
            "life_domain",
            "level_minus2",
            "level_minus1",
            "level_0",
            "level_plus1",
            "level_plus2",
            "baseline_level",
            "importance",
            "difficulty",
            "created_on",
            "target_date",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "created_on": DateInput(),
            "target_date": DateInput(),
            "baseline_level": forms.Select(choices=[(v, f"{v:+d}") for v in (-2, -1, 0, 1, 2)]),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["created_on"].initial = timezone.localdate()


class GoalReviewForm(forms.ModelForm):
    class Meta:
        model = GoalReview
        fields = ["date", "level", "note"]
        widgets = {
            "date": DateInput(),
            "level": forms.RadioSelect(choices=[(v, f"{v:+d}") for v in (2, 1, 0, -1, -2)]),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class MeasurementEditForm(MeasurementForm):
    """Correct a measurement: its answers and details as recorded, and why it is corrected."""

    reason = ReasonForm.base_fields["reason"]

    def detail_fields(self):
        return [*super().detail_fields(), self["reason"]]


class GoalEditForm(GoalForm):
    reason = ReasonForm.base_fields["reason"]


class GoalReviewEditForm(GoalReviewForm):
    reason = ReasonForm.base_fields["reason"]
