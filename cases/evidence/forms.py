"""The evidence page's forms: an upload's kind and description, and a custody entry."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.evidence.models import CustodyAction, Evidence, EvidenceKind
from cases.seizures.models import Seizure
from crackdown.forms import field_of

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [("", "—"), *enum.choices]


class EvidenceUploadForm(forms.Form):
    """Kind and description of the files sent with it (the files are read by uploads.py)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=_choices(EvidenceKind))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=Evidence._meta.get_field("description").max_length,
        widget=forms.TextInput(attrs={"placeholder": _("What the files show")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CustodyForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=_choices(CustodyAction))
    at = forms.DateTimeField(
        label=_("Date and time"),
        help_text=_("In your time zone."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    from_holder = forms.CharField(label=_("From (holder)"), required=False, max_length=200)
    to_holder = forms.CharField(label=_("To (holder)"), required=False, max_length=200)
    location = forms.CharField(label=_("Place"), required=False, max_length=200)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.MultipleChoiceField(label=_("Linked files"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, seizure: Seizure, files: list[Evidence], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field_of(self, "evidence", forms.MultipleChoiceField).choices = [(str(f.pk), f.filename) for f in files]
        self.purity_fields: list[str] = []
        for number, item in enumerate(seizure.items.all(), start=1):
            name = f"purity_{number}"
            self.fields[name] = forms.DecimalField(
                label=_("Purity of item %(n)s (%(drug)s), %%") % {"n": number, "drug": item.get_drug_display()},
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100),
                decimal_places=2,
                help_text=_("Lab analysis only."),
            )
            self.purity_fields.append(name)

    def data_for_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("purity_")}
        data["evidence"] = [int(pk) for pk in self.cleaned_data.get("evidence") or []]
        data["purity"] = [
            {"item": int(name.removeprefix("purity_")), "percent": self.cleaned_data[name]}
            for name in self.purity_fields
            if self.cleaned_data.get(name) is not None
        ]
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        for key, messages in exc.message_dict.items():
            # "purity.0" and the like have no field of their own: the form's top lists them.
            field = key if key in self.fields else None
            for message in messages:
                self.add_error(field, message)
