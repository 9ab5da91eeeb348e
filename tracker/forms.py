"""Forms for core records: they validate and convert; services save."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import (
    AccessRequest,
    Citizen,
    Collaboration,
    CollaborationKind,
    Consent,
    Course,
    EndReason,
    LegalBasis,
    Partner,
    Sector,
    normalise_cpr,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CitizenForm(forms.ModelForm):
    """Create or edit a citizen. CPR is typed as DDMMYY-XXXX and stored as 10 digits."""

    cpr = forms.CharField(
        label=_("CPR-nummer"),
        required=False,
        max_length=11,
        help_text=_("Valgfrit. Skrives DDMMÅÅ-XXXX."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "placeholder": "DDMMÅÅ-XXXX"}),
    )

    class Meta:
        model = Citizen
        fields = ["name", "cpr", "gender", "birth_year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.cpr:
            # Never put the full CPR number into the page: leave the field empty to keep it.
            self.initial["cpr"] = ""
            self.fields["cpr"].help_text = _("Registreret: %(masked)s. Lad feltet stå tomt for at beholde det.") % {
                "masked": self.instance.cpr_masked
            }

    def clean_cpr(self) -> str | None:
        value = self.cleaned_data.get("cpr", "").strip()
        if not value:
            return self.instance.cpr if self.instance.pk else None
        return normalise_cpr(value)

    def validate_unique(self) -> None:
        # Not here: "a citizen with this CPR number exists" would tell anyone whether a CPR number is known in
        # another unit. tracker.services.citizen_register matches a known number to the same person instead.
        pass


class CourseStartForm(forms.ModelForm):
    """Start a course of support for a citizen in one of the user's units."""

    class Meta:
        model = Course
        fields = ["unit", "legal_basis", "start"]
        widgets = {"start": DateInput()}

    def __init__(self, *args, units=None, citizen: Citizen | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if citizen is not None:
            self.instance.citizen = citizen
        if units is not None:
            self.fields["unit"].queryset = units
            if units.count() == 1:
                self.fields["unit"].initial = units.first()
        self.fields["legal_basis"].queryset = LegalBasis.objects.all()
        self.fields["start"].initial = timezone.localdate()


class CourseEndForm(forms.ModelForm):
    """End a course: a date and a reason; the date's rules are ``tracker.services.course_end``'s."""

    end = forms.DateField(label=_("Slutdato"), widget=DateInput())
    end_reason = forms.ModelChoiceField(label=_("Afslutningsårsag"), queryset=EndReason.objects.all())

    class Meta:
        model = Course
        fields = ["end", "end_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].initial = timezone.localdate()


class CollaborationForm(forms.Form):
    """Log one collaboration in a few seconds: type the partner (suggestions from the register), or a new one
    with its sector; the rest has sensible defaults."""

    partner_name = forms.CharField(
        label=_("Samarbejdspartner"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "partner-options", "autocomplete": "off"}),
        help_text=_("Skriv for at søge i registeret. En ny samarbejdspartner oprettes, når du vælger en sektor."),
    )
    new_partner_sector = forms.ModelChoiceField(
        label=_("Sektor (kun for en ny samarbejdspartner)"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("— vælg sektor —"),
    )
    kind = forms.ModelChoiceField(label=_("Form"), queryset=CollaborationKind.objects.all(), empty_label=None)
    date = forms.DateField(label=_("Dato"), widget=DateInput())
    citizen_participated = forms.BooleanField(label=_("Borgeren deltog"), required=False, initial=True)
    initiated_by = forms.ChoiceField(
        label=_("Taget initiativ af"), choices=Collaboration.Initiator.choices, initial=Collaboration.Initiator.UNIT
    )
    usefulness = forms.TypedChoiceField(
        label=_("Borgerens vurdering af udbyttet"),
        choices=[("", _("Ikke vurderet")), *[(v, str(v)) for v in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("1 = slet ikke nyttigt, 5 = meget nyttigt – borgerens egen vurdering."),
    )
    note = forms.CharField(label=_("Kort note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def service_kwargs(self) -> dict:
        """The cleaned fields as ``collaboration_log`` and ``collaboration_correct`` take them."""
        data = self.cleaned_data
        return {
            "partner": data["partner"],
            "new_partner_name": data["partner_name"],
            "new_partner_sector": data["new_partner_sector"],
            "kind": data["kind"],
            "date": data["date"],
            "initiated_by": data["initiated_by"],
            "citizen_participated": data["citizen_participated"],
            "usefulness": data["usefulness"],
            "note": data["note"],
        }

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("partner_name") or "").strip()
        if not name:
            return cleaned
        sector = cleaned.get("new_partner_sector")
        # Typed as "Name", or picked from the suggestions as "Name (Sector)"; a name may itself hold " (".
        candidates = list(
            Partner.objects.select_related("sector").filter(
                Q(name__iexact=name) | Q(name__iexact=name.rsplit(" (", 1)[0])
            )
        )
        exact = [p for p in candidates if p.name.lower() == name.lower()]
        labelled = [p for p in candidates if str(p).lower() == name.lower()]
        if sector is not None:
            # A sector was chosen: that partner in that sector, or a new one there.
            partner = next((p for p in labelled + exact if p.sector_id == sector.pk), None)
        else:
            partner = next(iter(labelled + exact), None)
            if partner is None:
                self.add_error(
                    "new_partner_sector",
                    _(
                        "“%(name)s” findes ikke i registeret. Vælg en sektor for at oprette den som ny "
                        "samarbejdspartner."
                    )
                    % {"name": name},
                )
        cleaned["partner"] = partner
        return cleaned


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "sector", "contact"]


class AccessRequestForm(forms.ModelForm):
    """Register a request for access (GDPR art. 15): when it came, to which unit, how the answer is delivered."""

    class Meta:
        model = AccessRequest
        fields = ["unit", "received_on", "delivery", "note"]
        widgets = {"received_on": DateInput()}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
            if len(units) == 1:
                self.fields["unit"].initial = units[0]

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("Datoen må ikke ligge i fremtiden."))
        return received_on


class ConsentForm(forms.Form):
    """Record the citizen's consent that one of the user's units may see other units' records."""

    to_unit = forms.ModelChoiceField(label=_("Enhed, der må se oplysningerne"), queryset=None, empty_label=None)
    from_units = forms.ModelMultipleChoiceField(
        label=_("Enheder, hvis oplysninger må deles"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Vælg de enheder, borgeren har givet samtykke til, at oplysninger må hentes fra."),
    )
    share_measurements = forms.BooleanField(label=_("Målinger"), required=False, initial=True)
    share_goals = forms.BooleanField(label=_("Mål og opfølgninger"), required=False, initial=True)
    share_collaborations = forms.BooleanField(label=_("Samarbejder"), required=False)
    form = forms.ChoiceField(label=_("Samtykket er givet"), choices=Consent.Form.choices, initial=Consent.Form.WRITTEN)
    given_on = forms.DateField(label=_("Givet den"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Gyldigt til"), required=False, widget=DateInput(), help_text=_("Tom: indtil det trækkes tilbage.")
    )

    def __init__(self, *args, units=None, other_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units
        self.fields["from_units"].queryset = other_units
        self.fields["given_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        given_on, valid_until = cleaned.get("given_on"), cleaned.get("valid_until")
        if given_on and given_on > timezone.localdate():
            self.add_error("given_on", _("Datoen må ikke ligge i fremtiden."))
        if given_on and valid_until and valid_until < given_on:
            self.add_error("valid_until", _("Samtykket kan ikke udløbe, før det er givet."))
        if not (cleaned.get("share_measurements") or cleaned.get("share_goals") or cleaned.get("share_collaborations")):
            raise forms.ValidationError(_("Vælg mindst én slags oplysninger, der må deles."))
        return cleaned


class ReasonForm(forms.Form):
    """Why a record is corrected or deleted: required, kept in the audit trail and shown in the record's history."""

    reason = forms.CharField(
        label=_("Begrundelse"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Fx “forkert dato”, “registreret på den forkerte borger”. Gemmes i historikken."),
    )


class CollaborationEditForm(CollaborationForm):
    """Correct a collaboration: the same fields as when it was logged, and why it is corrected."""

    reason = ReasonForm.base_fields["reason"]
