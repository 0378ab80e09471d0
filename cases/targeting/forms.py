"""The targeting pages' forms. They parse; the services validate and write."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.choices import Priority
from cases.targeting.inputs import MAX_LINES
from cases.targeting.models import MAX_POINTS, ExamResult, LineKind, LineStatus

CSV_COLUMNS = [
    "kind", "reference", "eta", "transport_mode", "origin_country", "loading_place", "transit_countries",
    "destination_country", "discharge_place", "hs_code", "goods_description", "gross_weight_kg", "shipper",
    "consignee", "nationality", "birth_year", "sex", "identifiers",
]  # fmt: skip
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class QueueFilterForm(forms.Form):
    eta_after = forms.DateField(label=_("ETA from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    eta_before = forms.DateField(label=_("ETA until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any"))] + list(LineKind.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + list(LineStatus.choices))
    min_score = forms.IntegerField(label=_("Minimum score"), required=False, min_value=0, max_value=100)


class ExamineForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=ExamResult.choices, widget=forms.RadioSelect)
    seizure = forms.IntegerField(
        label=_("Seizure id"), required=False, min_value=1, help_text=_("The seizure recorded for what was found.")
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class LineAlertForm(forms.Form):
    recipients = forms.MultipleChoiceField(label=_("Send to"), widget=forms.CheckboxSelectMultiple)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.URGENT)

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipients = self.fields["recipients"]
        assert isinstance(recipients, forms.MultipleChoiceField)
        recipients.choices = [(a.code, f"{a.code} — {a.name}") for a in agencies]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, one line per row, with the columns of the template below (at most 5,000 rows)."),
    )

    def clean_file(self) -> list[dict[str, Any]]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in ("kind", "reference", "eta", "transport_mode") if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        rows = [csv_row_to_line(row) for row in reader]
        if not 1 <= len(rows) <= MAX_LINES:
            raise ValidationError(_("Send 1 to 5,000 rows."))
        return rows


def csv_row_to_line(row: dict[str, Any]) -> dict[str, Any]:
    """A CSV row as the API's line object (cases.targeting.inputs checks it)."""
    get = lambda name: (row.get(name) or "").strip()  # noqa: E731
    line: dict[str, Any] = {name: get(name) for name in CSV_COLUMNS[:14]}
    if any(get(name) for name in ("nationality", "birth_year", "sex")):
        year = get("birth_year")
        line["traveller"] = {
            "nationality": get("nationality"),
            # A number in the API's line object; other text is left for the check to refuse.
            "birth_year": int(year) if year.isdecimal() else (year or None),
            "sex": get("sex"),
        }
    identifiers = []
    for part in get("identifiers").split(";"):
        kind, _sep, value = part.strip().partition(":")
        if kind:
            identifiers.append({"kind": kind.strip(), "value": value.strip()})
    line["identifiers"] = identifiers
    return line


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    condition = forms.CharField(
        label=_("Condition (JSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "mono"}),
        help_text=_(
            'For example {"all": [{"op": "route_contains", "value": ["MM", "TH"]}, '
            '{"field": "hs_code", "op": "prefix", "value": "09"}]}'
        ),
    )
    points = forms.IntegerField(label=_("Points"), min_value=-MAX_POINTS, max_value=MAX_POINTS)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_condition(self) -> Any:
        try:
            return json.loads(self.cleaned_data["condition"])
        except ValueError as exc:
            raise ValidationError(_("Not valid JSON: %(error)s") % {"error": exc}) from None


class SettingsForm(forms.Form):
    use_nationality = forms.BooleanField(
        label=_("Let rules and the model use the traveller's nationality"), required=False
    )
