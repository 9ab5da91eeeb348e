"""Publications: the director's review (create, approve, publish, unpublish) and the public pages and open data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from common import exports
from publications import selectors, services
from publications.forms import PublicationForm
from publications.snapshot import COLUMNS, FIGURES, SECTOR_COLUMNS
from tracker.access import RoleRequiredMixin

# --- The director's review --------------------------------------------------------------------------------------


class PublicationListView(RoleRequiredMixin, View):
    role = "director"

    def get(self, request):
        return render(
            request,
            "publications/publication_list.html",
            {"publications": selectors.publication_list(user=request.user)},
        )


class PublicationCreateView(RoleRequiredMixin, View):
    role = "director"
    template_name = "publications/publication_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": PublicationForm(user=request.user)})

    def post(self, request):
        form = PublicationForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        data = form.cleaned_data
        publication = services.publication_create(
            user=request.user,
            title=data["title"],
            scope_unit=data["scope_unit"],
            instruments=list(data["instruments"]),
            period=data["period"],
            figures=data["figures"],
        )
        messages.success(request, _("Kladden er oprettet. Gennemse tallene, før de godkendes."))
        return redirect(publication)


class PublicationDetailView(RoleRequiredMixin, View):
    """The draft as the public will see it, with its review history and the next step's button."""

    role = "director"

    def get(self, request, pk: int):
        publication = selectors.publication_get(user=request.user, pk=pk)
        context = {
            "publication": publication,
            "events": selectors.publication_events(publication=publication),
            "own_draft": publication.created_by_id == request.user.pk,
        }
        context.update(public_context(publication))
        return render(request, "publications/publication_detail.html", context)


class _StepView(RoleRequiredMixin, View):
    """One review step (POST only); a step out of order is refused with a message, nothing changes."""

    role = "director"

    def step(self, *, publication, user):
        raise NotImplementedError

    def done_message(self) -> str:
        raise NotImplementedError

    def post(self, request, pk: int):
        publication = selectors.publication_get(user=request.user, pk=pk)
        try:
            self.step(publication=publication, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, self.done_message())
        return redirect(publication)


class PublicationApproveView(_StepView):
    def step(self, **kwargs):
        return services.publication_approve(**kwargs)

    def done_message(self) -> str:
        return _("Tallene er godkendt.")


class PublicationDiscardView(RoleRequiredMixin, View):
    """Discard a draft (POST only); anything but a draft is refused with a message and kept."""

    role = "director"

    def post(self, request, pk: int):
        publication = selectors.publication_get(user=request.user, pk=pk)
        try:
            services.publication_discard(publication=publication, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(publication)
        messages.success(request, _("Kladden „%(title)s“ er kasseret.") % {"title": publication.title})
        return redirect("publications:publication_list")


class PublicationPublishView(_StepView):
    def step(self, **kwargs):
        return services.publication_publish(**kwargs)

    def done_message(self) -> str:
        return _("Tallene er offentliggjort.")


class PublicationUnpublishView(_StepView):
    def step(self, **kwargs):
        return services.publication_unpublish(**kwargs)

    def done_message(self) -> str:
        return _("Offentliggørelsen er trukket tilbage.")


# --- Public pages and open data (no login) ------------------------------------------------------------------------


def public_context(publication) -> dict:
    """The snapshot arranged for the page: one table per instrument, the area's row first."""
    snap = publication.snapshot
    figures = set(snap.get("figures", []))
    sections = []
    for instrument in snap.get("instruments", []):
        rows = [r for r in snap.get("rows", []) if r.get("instrument") == instrument["code"]]
        sections.append(
            {"instrument": instrument, "area": rows[0] if rows else None, "units": rows[1:] if rows else []}
        )
    return {
        "snap": snap,
        "sections": sections,
        "show": {key: key in figures for key, _label in FIGURES},
        "figure_labels": [label for key, label in FIGURES if key in figures],
    }


class PublicListView(View):
    def get(self, request):
        return render(request, "publications/public_list.html", {"publications": selectors.public_list()})


class PublicDetailView(View):
    def get(self, request, slug: str):
        publication = selectors.public_get(slug=slug)
        context = {"publication": publication, **public_context(publication)}
        return render(request, "publications/public_detail.html", context)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return str(value)


class PublicCSVView(View):
    def get(self, request, slug: str):
        publication = selectors.public_get(slug=slug)
        snap = publication.snapshot
        rows = [snap["columns"], *([_csv_value(row.get(name)) for name in snap["columns"]] for row in snap["rows"])]
        # Open data for analysts: RFC 4180 (comma, no BOM), every text cell neutralised by the one writer.
        response = exports.export_response(rows, fmt=exports.CSV, filename=publication.slug)
        del response["Cache-Control"]  # public, anonymous figures: caching is fine
        return response


class PublicJSONView(View):
    def get(self, request, slug: str):
        publication = selectors.public_get(slug=slug)
        snap = publication.snapshot
        data = {
            "titel": publication.title,
            "offentliggjort": publication.published_at.date().isoformat() if publication.published_at else None,
            "side": request.build_absolute_uri(publication.get_public_url()),
            "dataordbog": request.build_absolute_uri(reverse("publications:data_dictionary_json")),
            **snap,
        }
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})


def dictionary() -> dict:
    return {
        "beskrivelse": _(
            "Åbne data fra Effektspor: tal om grupper af borgere, aldrig om den enkelte. Tal om færre end k borgere "
            "er udeladt (tom celle i CSV, null i JSON)."
        ),
        "kolonner": [{"navn": name, "type": kind, "beskrivelse": str(text)} for name, _figure, kind, text in COLUMNS],
        "sektorer": [{"navn": name, "type": kind, "beskrivelse": str(text)} for name, kind, text in SECTOR_COLUMNS],
    }


class DataDictionaryView(View):
    def get(self, request):
        return render(request, "publications/data_dictionary.html", {"dictionary": dictionary()})


class DataDictionaryJSONView(View):
    def get(self, request):
        return JsonResponse(dictionary(), json_dumps_params={"ensure_ascii": False, "indent": 2})
