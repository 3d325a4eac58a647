"""Forms for getting data into the monitor."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ObservationImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file with observations"),
        help_text=_(
            "Columns area_code, year, indicator, value and optionally n (number of "
            "respondents), with a header line; separated by ; or , ; UTF-8. A decimal "
            "comma is accepted."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file (dry run): store nothing"), required=False, initial=True
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return file
