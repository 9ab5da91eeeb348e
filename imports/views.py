"""Views of the import: upload, preview with row-level errors, apply, progress. Thin: one selector or service each."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_tables2 import RequestConfig

from imports import selectors, services, template_files
from imports.forms import ApplyForm, UploadForm
from imports.tables import ImportJobTable
from tracker.access import RoleRequiredMixin

# The counts of a preview or a finished import, in the order shown, with their labels.
COUNT_LABELS = (
    ("rows", gettext_lazy("Rækker i filen")),
    ("citizens_new", gettext_lazy("Nye borgere")),
    ("citizens_existing", gettext_lazy("Borgere, der findes i forvejen")),
    ("courses_new", gettext_lazy("Nye forløb")),
    ("courses_existing", gettext_lazy("Forløb, der findes i forvejen")),
    ("measurements_new", gettext_lazy("Nye målinger")),
    ("measurements_updated", gettext_lazy("Målinger, der opdateres (andre svar end de registrerede)")),
    ("measurements_skipped", gettext_lazy("Målinger, der springes over (findes allerede med samme svar)")),
)

STAGE_LABELS = {
    "": gettext_lazy("Venter"),
    "checking": gettext_lazy("Kontrollerer rækkerne"),
    "checked": gettext_lazy("Kontrolleret"),
    "writing": gettext_lazy("Gemmer alle rækker i én omgang"),
    "done": gettext_lazy("Færdig"),
}


class ImportJobCreateView(RoleRequiredMixin, View):
    """The upload page: the form, the column help, the templates and the user's earlier imports."""

    template_name = "imports/job_create.html"

    def context(self, form: UploadForm) -> dict:
        table = ImportJobTable(selectors.import_job_list(user=self.request.user))
        RequestConfig(self.request, paginate={"per_page": 10}).configure(table)
        return {
            "form": form,
            "table": table,
            "columns": template_files.columns(),
            "sync_max_rows": services.sync_max_rows(),
        }

    def get(self, request):
        return render(request, self.template_name, self.context(UploadForm()))

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.job_create(user=request.user, file_name=upload.name, content=upload.read())
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                job = services.job_queue_validation(job=job)
                return redirect(job)
        return render(request, self.template_name, self.context(form), status=400)


class ImportJobDetailView(RoleRequiredMixin, View):
    """The preview (counts, or the row-level errors), the progress while the worker runs, and the result."""

    template_name = "imports/job_detail.html"

    def context(self, job, form=None) -> dict:
        counts = [(str(label), job.counts.get(key, 0)) for key, label in COUNT_LABELS if key in job.counts]
        return {
            "job": job,
            "counts": counts,
            "form": form or ApplyForm(initial={"confirm": True}),
            "errors_shown": len(job.errors),
            "stage_label": STAGE_LABELS.get(job.stage, job.stage),
            "background": services.runs_in_background(job),
        }

    def get(self, request, pk: int):
        job = services.job_recover_if_stalled(job=selectors.import_job_get(user=request.user, pk=pk))
        return render(request, self.template_name, self.context(job))


class ImportJobApplyView(RoleRequiredMixin, View):
    """POST only: the user confirms the preview; small files are applied at once, large ones by the worker."""

    def post(self, request, pk: int):
        job = selectors.import_job_get(user=request.user, pk=pk)
        form = ApplyForm(request.POST)
        if form.is_valid():
            try:
                job = services.job_queue_apply(job=job)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if job.status == job.Status.APPLIED:
                    messages.success(request, _("Importen er gennemført."))
                return redirect(job)
        view = ImportJobDetailView()
        return render(request, view.template_name, view.context(job, form), status=400)


class ImportTemplateView(RoleRequiredMixin, View):
    """The empty template with every column, as CSV or Excel."""

    file_format = "csv"

    def get(self, request):
        if self.file_format == "xlsx":
            content = template_files.template_xlsx()
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content, content_type = template_files.template_csv(), "text/csv; charset=utf-8"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="effektspor-import-skabelon.{self.file_format}"'
        return response
