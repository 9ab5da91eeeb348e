"""Forms of the import pages: the upload, and the confirmation after the preview."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller Excel)"),
        help_text=_("Højst 50 MB. Første række skal være kolonneoverskrifterne fra skabelonen."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        from imports.services import MAX_BYTES

        upload = self.cleaned_data["file"]
        # Refused before it is read into memory.
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Filen er for stor (højst 50 MB)."))
        return upload


class ApplyForm(forms.Form):
    """A deliberate confirmation: an empty POST applies nothing."""

    confirm = forms.BooleanField(required=True, widget=forms.HiddenInput, initial=True)
