from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8) in the layout of the seizure export, or an Excel workbook (.xlsx); at most 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    submit = forms.BooleanField(
        label=_("Submit the imported seizures"),
        required=False,
        help_text=_("They are matched and checked against lookouts; each partner agency gets one summary alert."),
    )
