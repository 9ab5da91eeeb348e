"""The director's comparison page and its export: aggregates only, small numbers suppressed."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from common import exports
from dashboards import comparison_charts, pagecache
from dashboards.forms import ComparisonForm, comparison_for, default_selection
from figures.comparison import Comparison, count_table
from figures.periods import LAST_12_MONTHS
from tracker.access import RoleRequiredMixin


def reading(comparison: Comparison) -> list[str]:
    """Short sentences that read the figures for a non-statistician, framed for learning, not blame."""
    out = []
    for f in comparison.rows:
        if f.position == "mixed":
            out.append(
                _(
                    "%(name)s ligger %(side)s 95%%-grænsen for andelen forbedret, men justeret for borgernes "
                    "udgangspunkt (observeret/forventet %(oe)s) peger den anden vej. Her kan tallene ikke "
                    "afgøre noget; se på borgergruppen sammen med enheden."
                )
                % {
                    "name": f.name,
                    "side": _("uden for"),
                    "oe": floatformat(f.oe_ratio, 2),
                }
            )
        elif f.position == "above":
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
                    "%(name)s har kun fulgt op hos %(pct)s%% af de forløb, der var klar til en opfølgende "
                    "måling; enhedens tal kan derfor være skæve."
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
        return form, comparison_for(user=request.user, data=data)

    def get(self, request):
        if request.GET.get("_export") in exports.FORMATS:
            _form, comparison = self.comparison(request)
            return export_response(comparison, request.GET["_export"])

        def body_context() -> dict:
            form, comparison = self.comparison(request)
            trends = comparison_charts.trends(comparison)
            return {
                "form": form,
                "c": comparison,
                "counts": count_table(comparison),
                "reading": reading(comparison),
                "funnel_spec": comparison_charts.funnel_share(comparison),
                "mean_funnel_spec": comparison_charts.funnel_mean(comparison),
                "forest_spec": comparison_charts.forest(comparison),
                "trends": trends,
                # One small multiple per row, each rendered once per content: a write in one unit changes one.
                "trend_blocks": pagecache.rendered_pieces(
                    request,
                    "dashboards/_trend_block.html",
                    [{"t": t} for t in trends],
                    [[t["row"].key, t["row"].name, t["points"], t["spec"]] for t in trends],
                ),
                "query": request.GET.urlencode(),
            }

        form = ComparisonForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            # The body shows what was typed with its errors: not cached, so odd input cannot grow the cache.
            html = render_to_string(
                self.template_name, {**body_context(), "base_template": pagecache.BODY_ONLY}, request
            )
            return pagecache.render_body(request, {"html": html}, title=_("Sammenlign enheder"), status=400)
        if form.is_bound:
            data = form.cleaned_data
            parameters = {
                "period": data["period"].code,
                "instrument": data["instrument"].code,
                "legal_basis": data["legal_basis"].code if data.get("legal_basis") else None,
                "kind": data["kind"].code if data.get("kind") else None,
                "root": data.get("root"),
                "overdispersion": bool(data.get("overdispersion", True)),
            }
        else:  # the default selection, known without a query (a cache hit should cost one)
            parameters = {"period": LAST_12_MONTHS, "instrument": "who5", "default": True}
        body = pagecache.cached_body(
            request,
            name="director-comparison",
            template_name=self.template_name,
            scope=self.access.director_unit_ids,
            context=body_context,
            parameters=parameters,
        )
        return pagecache.render_body(request, body, title=_("Sammenlign enheder"))


def _fmt(value, digits: int = 1) -> float | int | str:
    """A number rounded as on the page; the file writer types it (Danish decimal comma in "CSV (Excel)")."""
    if value is None:
        return ""
    return round(float(value), digits) if digits else round(value)


def _pct(value) -> float | str:
    return "" if value is None else _fmt(value * 100, 1)


POSITIONS = {
    "above": _lazy("over"),
    "below": _lazy("under"),
    "within": _lazy("inden for"),
    "mixed": _lazy("uklart"),
}


def export_rows(comparison: Comparison) -> tuple[list[str], list[list]]:
    """The page's table as rows for a file: the same rows, the same hidden cells, the same rounding."""
    headers = [
        _("Enhed"),
        _("Aktive borgere"),
        _("Med opfølgning i perioden"),
        _("Dækning (%)"),
        _("Forbedret"),
        _("Uændret"),
        _("Forværret"),
        _("Andel forbedret (%)"),
        _("95% CI nedre"),
        _("95% CI øvre"),
        _("Gns. ændring"),
        _("Gns. ændring, 95% CI nedre"),
        _("Gns. ændring, 95% CI øvre"),
        _("Justeret ændring (observeret − forventet)"),
        _("Observeret/forventet forbedret"),
        _("Placering i tragten"),
        _("GAS T-score"),
        _("Samarbejder"),
        _("Borgere med samarbejde"),
    ]
    hidden = _("< %(k)s") % {"k": comparison.k}
    rows = []
    for f in comparison.rows:
        if f.suppressed:
            rows.append([f.name, hidden] + [""] * (len(headers) - 2))
            continue
        if f.effect_suppressed:
            effect = [hidden] + [""] * 13
        else:
            ci = f.change_ci if f.change_ci and f.change_ci[0] != f.change_ci[1] else (None, None)
            effect = [
                "" if f.total_hidden else f.paired,
                "" if f.total_hidden else _pct(f.coverage),
                _fmt(f.improved, 0),
                _fmt(f.unchanged, 0),
                _fmt(f.deteriorated, 0),
                _pct(f.improved_share),
                _pct(f.improved_ci[0] if f.improved_ci else None),
                _pct(f.improved_ci[1] if f.improved_ci else None),
                _fmt(f.mean_change),
                _fmt(ci[0]),
                _fmt(ci[1]),
                _fmt(f.adjusted_change),
                _fmt(f.oe_ratio, 2),
                str(POSITIONS.get(f.position, "")),
            ]
        rows.append([f.name, f.active, *effect, _fmt(f.gas_mean), f.collaborations, f.collab_citizens])
    return headers, rows


def export_response(comparison: Comparison, fmt: str) -> HttpResponse:
    """The comparison table as a file (``common.exports``), with exactly the page's figures and hidden cells."""
    headers, rows = export_rows(comparison)
    stamp = f"{comparison.period.start:%Y%m%d}-{comparison.period.end:%Y%m%d}"
    return exports.export_response(
        [headers, *rows], fmt=fmt, filename=f"sammenligning-{stamp}", title=_("Sammenligning")
    )
