"""The director's comparison page and its export: aggregates only, small numbers suppressed."""

from __future__ import annotations

import datetime

import tablib
from django import forms
from django.http import HttpResponse
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from dashboards import comparison_charts, pagecache
from dashboards.comparison import Comparison, count_table, unit_comparison
from outcomes.models import Instrument
from outcomes.selectors import instrument_get
from tracker.forms import DateInput
from tracker.models import LegalBasis
from tracker.views import RoleRequiredMixin

PERIODS = [
    ("quarter", _lazy("Seneste kvartal")),
    ("half", _lazy("Seneste halve år")),
    ("year", _lazy("Seneste år")),
    ("two-years", _lazy("Seneste to år")),
    ("custom", _lazy("Selvvalgt periode")),
]
PERIOD_DAYS = {"quarter": 91, "half": 182, "year": 365, "two-years": 730}


class ComparisonForm(forms.Form):
    period = forms.ChoiceField(label=_lazy("Periode"), choices=PERIODS, initial="year", required=False)
    start = forms.DateField(label=_lazy("Fra"), required=False, widget=DateInput())
    end = forms.DateField(label=_lazy("Til"), required=False, widget=DateInput())
    instrument = forms.ModelChoiceField(
        label=_lazy("Måleredskab"),
        required=False,
        empty_label=None,
        queryset=Instrument.objects.filter(active=True, scoring__in=("sum", "total")),
        to_field_name="code",
    )
    legal_basis = forms.ModelChoiceField(
        label=_lazy("Lovgrundlag"), required=False, queryset=LegalBasis.objects.all(), empty_label=_lazy("Alle")
    )
    overdispersion = forms.BooleanField(label=_lazy("Justér grænserne for overspredning"), required=False)
    root = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        period = cleaned.get("period") or "year"
        if period == "custom":
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Angiv både fra- og til-dato for en selvvalgt periode."))
            if end < start:
                raise forms.ValidationError(_("Til-datoen ligger før fra-datoen."))
        else:
            end = today
            start = today - datetime.timedelta(days=PERIOD_DAYS[period])
        cleaned["start"], cleaned["end"] = start, end
        if not cleaned.get("instrument"):
            cleaned["instrument"] = instrument_get(code="who5")
        return cleaned


def reading(comparison: Comparison) -> list[str]:
    """Short sentences that read the figures for a non-statistician, framed for learning, not blame."""
    out = []
    for f in comparison.rows:
        if f.position == "above":
            out.append(
                _(
                    "%(name)s ligger over den øvre 95%%-grænse for andelen forbedret. Hvad gør de, som andre "
                    "kan lære af?"
                )
                % {"name": f.name}
            )
        elif f.position == "below":
            out.append(
                _(
                    "%(name)s ligger under den nedre 95%%-grænse for andelen forbedret. Det er en anledning "
                    "til at se nærmere på borgergruppen, målingerne og indsatsen sammen med enheden – ikke en "
                    "dom."
                )
                % {"name": f.name}
            )
        if f.low_coverage:
            out.append(
                _(
                    "%(name)s har kun målt første og opfølgende gang hos %(pct)s%% af de aktive borgere; "
                    "enhedens tal kan derfor være skæve."
                )
                % {"name": f.name, "pct": round(f.coverage * 100)}
            )
    shown = [f for f in comparison.rows if f.position]
    if shown and not any(f.position in ("above", "below") for f in shown):
        out.append(
            _(
                "Alle enheder ligger inden for 95%-grænserne: forskellene mellem dem er ikke større, end "
                "tilfældigheder kan forklare."
            )
        )
    return out


class DirectorComparisonView(RoleRequiredMixin, View):
    """Funnel plots, forest plot, case-mix adjusted change and trends for the units in the director's scope."""

    role = "director"
    template_name = "dashboards/director_comparison.html"

    def comparison(self, request) -> tuple[ComparisonForm, Comparison | None]:
        form = ComparisonForm(request.GET or None)
        data = form.cleaned_data if form.is_valid() else default_selection()
        return form, unit_comparison(
            user=request.user,
            instrument=data["instrument"],
            start=data["start"],
            end=data["end"],
            legal_basis_id=data["legal_basis"].pk if data.get("legal_basis") else None,
            root_id=data.get("root"),
            adjust_overdispersion=bool(data.get("overdispersion")),
        )

    def get(self, request):
        if request.GET.get("_export") in ("csv", "xlsx"):
            _form, comparison = self.comparison(request)
            return export_response(comparison, request.GET["_export"])

        def body_context() -> dict:
            form, comparison = self.comparison(request)
            return {
                "form": form,
                "c": comparison,
                "counts": count_table(comparison),
                "reading": reading(comparison),
                "funnel_spec": comparison_charts.funnel_share(comparison),
                "mean_funnel_spec": comparison_charts.funnel_mean(comparison),
                "forest_spec": comparison_charts.forest(comparison),
                "trends": comparison_charts.trends(comparison),
                "query": request.GET.urlencode(),
            }

        body = pagecache.cached_body(
            request,
            name="director-comparison",
            template_name=self.template_name,
            scope=self.access.director_unit_ids,
            context=body_context,
        )
        return pagecache.render_body(request, body, title=_("Sammenlign enheder"))


def default_selection() -> dict:
    """The default selection (last year, WHO-5) when the form is empty or invalid."""
    today = timezone.localdate()
    return {
        "start": today - datetime.timedelta(days=365),
        "end": today,
        "instrument": instrument_get(code="who5"),
        "legal_basis": None,
        "root": None,
        "overdispersion": False,
    }


def _fmt(value, digits: int = 1) -> str:
    return "" if value is None else str(floatformat(value, digits))


def export_response(comparison: Comparison, fmt: str) -> HttpResponse:
    """The comparison table as CSV or Excel, with exactly the page's suppression."""
    k = comparison.k
    headers = [
        _("Enhed"),
        _("Aktive borgere"),
        _("Med første og opfølgende måling"),
        _("Dækning (%)"),
        _("Andel forbedret (%)"),
        _("95% CI nedre"),
        _("95% CI øvre"),
        _("Gns. ændring"),
        _("Justeret ændring (observeret − forventet)"),
        _("Observeret/forventet forbedret"),
        _("Placering i tragten"),
        _("GAS T-score"),
        _("Samarbejder"),
    ]
    data = tablib.Dataset(headers=headers, title=_("Sammenligning"))
    hidden = _("< %(k)s") % {"k": k}
    for f in comparison.rows:
        if f.suppressed:
            data.append([f.name, hidden] + [""] * (len(headers) - 2))
            continue
        effect = [] if not f.effect_suppressed else [hidden] + [""] * 8
        if not effect:
            effect = [
                f.paired,
                _fmt(f.coverage and f.coverage * 100, 0),
                _fmt(f.improved_share * 100, 1),
                _fmt(f.improved_ci[0] * 100, 1),
                _fmt(f.improved_ci[1] * 100, 1),
                _fmt(f.mean_change),
                _fmt(f.adjusted_change),
                _fmt(f.oe_ratio, 2),
                f.position,
            ]
        data.append([f.name, f.active, *effect, _fmt(f.gas_mean), f.collaborations])
    stamp = f"{comparison.period[0]:%Y%m%d}-{comparison.period[1]:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(
            data.export("xlsx"), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        response = HttpResponse(data.export("csv"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sammenligning-{stamp}.{fmt}"'
    return response
