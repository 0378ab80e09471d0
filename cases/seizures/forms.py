"""Forms of the seizure pages: parse and present only; the services validate and write.

The editor's fields take their limits from the models; what it parses goes to the services,
which validate it through the one input description (cases.seizures.inputs) and report
errors in its shape, which `SeizureEditor.add_service_errors` puts on the fields and rows.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cases.choices import (
    DetectionMethod,
    Drug,
    IdentifierKind,
    PersonRole,
    SeizureStatus,
    Sex,
    Sharing,
    TransportMode,
    Unit,
)
from cases.seizures import visibility
from cases.seizures.fields import ROW_INPUT_FIELDS, SCALAR_FIELDS, model_field
from cases.seizures.models import Seizure, SeizureIdentifier, SeizureItem
from crackdown.forms import fast_selects, field_of
from crackdown.windows import validate_filter_date
from members.models import Agency

BLANK = [("", "—")]
# The name of a formset's deletion checkbox (Django's formset documentation).
DELETE = "DELETE"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def country_choices() -> list[tuple[str, str]]:
    """Every country, by name in the active language: sorted and translated once per language
    (django-countries translates all 250 names each time it is iterated)."""
    return list(_country_choices(get_language()))


@functools.lru_cache(maxsize=len(settings.LANGUAGES) + 1)
def _country_choices(_language: str) -> tuple[tuple[str, str], ...]:
    return tuple(BLANK + [(code, f"{name} ({code})") for code, name in countries])


def _choices(enum) -> list[tuple[str, str]]:
    return BLANK + list(enum.choices)


def _text(model, name: str, label, **kwargs: Any) -> forms.CharField:
    """A text field with the model field's length; optional where the model allows blank."""
    field = model_field(model, name)
    kwargs.setdefault("required", not field.blank)
    return forms.CharField(label=label, max_length=field.max_length, **kwargs)


def parse_country_list(text: str) -> list[str]:
    """'th, my  VN' → ['TH', 'MY', 'VN'] (kept in order, duplicates kept for the service to refuse)."""
    return [part.upper() for part in re.split(r"[\s,;]+", text or "") if part]


# --- List filters ----------------------------------------------------------------------------


class SeizureFilterForm(forms.Form):
    """GET filters of the list and the CSV export; keys are the API's filter names."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=200, widget=forms.TextInput(attrs={"type": "search"})
    )
    drug = forms.ChoiceField(label=_("Drug"), choices=_choices(Drug), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    country = forms.ChoiceField(label=_("Seized in"), required=False)
    origin_country = forms.ChoiceField(label=_("Origin"), required=False)
    destination_country = forms.ChoiceField(label=_("Destination"), required=False)
    transit_country = forms.ChoiceField(label=_("Transit"), required=False)
    transport_mode = forms.ChoiceField(label=_("Transport mode"), choices=_choices(TransportMode), required=False)
    detection_method = forms.ChoiceField(label=_("Detection method"), choices=_choices(DetectionMethod), required=False)
    identifier = forms.CharField(
        label=_("Identifier"), required=False, help_text=_("Container, waybill, IMO, flight, phone…")
    )
    status = forms.ChoiceField(label=_("Status"), choices=_choices(SeizureStatus), required=False)
    operation = forms.ModelChoiceField(
        label=_("Joint operation"), queryset=visibility.operations_seen_by(None).none(), required=False
    )
    occurred_after = forms.DateField(
        label=_("From"),
        required=False,
        validators=[validate_filter_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    occurred_before = forms.DateField(
        label=_("To"),
        required=False,
        validators=[validate_filter_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.active().only("code")
        field_of(self, "agency", forms.ChoiceField).choices = BLANK + [(a.code, a.code) for a in agencies]
        for name in ("country", "origin_country", "destination_country", "transit_country"):
            field_of(self, name, forms.ChoiceField).choices = country_choices()
        operations = visibility.operations_seen_by(user).order_by("-starts_on")
        field_of(self, "operation", forms.ModelChoiceField).queryset = operations
        fast_selects(self)


# --- Create / edit ---------------------------------------------------------------------------


class SeizureForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("Date and time of the seizure"),
        help_text=_("In your time zone."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    location = _text(Seizure, "location", _("Location"))
    country = forms.ChoiceField(label=_("Country of seizure"))
    transport_mode = forms.ChoiceField(label=_("Transport mode"), choices=_choices(TransportMode))
    detection_method = forms.ChoiceField(label=_("Detection method"), choices=_choices(DetectionMethod))
    concealment = _text(Seizure, "concealment", _("Concealment"))
    origin_country = forms.ChoiceField(label=_("Origin country"), required=False)
    transit_countries = forms.CharField(
        label=_("Transit countries"),
        required=False,
        help_text=_("Country codes in route order, separated by commas, e.g. TH, MY."),
    )
    destination_country = forms.ChoiceField(label=_("Destination country"), required=False)
    operation = forms.ModelChoiceField(
        label=_("Joint operation"),
        queryset=visibility.operations_seen_by(None).none(),
        required=False,
        help_text=_("Operations your agency has accepted."),
    )
    sharing = forms.ChoiceField(
        label=_("Share with"), choices=Sharing.choices, initial=Sharing.MEMBERS, widget=forms.RadioSelect
    )
    shared_with = forms.ModelMultipleChoiceField(
        label=_("Also share with"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("These agencies see the seizure once submitted, whatever the sharing above."),
    )
    notes = _text(Seizure, "notes", _("Notes"), widget=forms.Textarea(attrs={"rows": 3}))
    external_reference = _text(
        Seizure,
        "external_reference",
        _("External reference"),
        help_text=_("Your agency's own case number, e.g. from its national system. Unique within your agency."),
    )

    def __init__(self, *args: Any, user, amending: bool = False, current_operation_id=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("country", "origin_country", "destination_country"):
            field_of(self, name, forms.ChoiceField).choices = country_choices()
        if user.agency_id:
            self.fields["country"].initial = user.agency.country
        # The seizure's current operation stays selectable even if it was cancelled since.
        operations = visibility.linkable_operations(user.agency_id, keep=current_operation_id)
        field_of(self, "operation", forms.ModelChoiceField).queryset = operations.order_by("-starts_on")
        others = Agency.objects.active().exclude(pk=user.agency_id)
        field_of(self, "shared_with", forms.ModelMultipleChoiceField).queryset = others
        fast_selects(self)
        if amending:
            self.fields["amendment_reason"] = forms.CharField(
                label=_("Reason for the amendment"),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Required: this seizure is verified; the reason is kept in its history."),
            )

    def clean_transit_countries(self) -> list[str]:
        return parse_country_list(self.cleaned_data.get("transit_countries", ""))

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("amendment_reason", None)
        data["shared_with"] = list(data.get("shared_with") or [])
        return data

    @staticmethod
    def initial_from(seizure) -> dict[str, Any]:
        initial = {name: getattr(seizure, name) for name in SCALAR_FIELDS}
        return initial | {
            "occurred_at": timezone.localtime(seizure.occurred_at),
            "transit_countries": ", ".join(seizure.transit_countries or []),
            "operation": seizure.operation_id,
            "shared_with": list(seizure.shared_with.all()),
        }


class ItemForm(forms.Form):
    drug = forms.ChoiceField(label=_("Drug"), choices=_choices(Drug))
    description = _text(SeizureItem, "description", _("Description"))
    quantity = model_field(SeizureItem, "quantity").formfield(
        label=_("Quantity"), min_value=None, widget=forms.NumberInput(attrs={"step": "any"})
    )
    # An initial value, so that an untouched spare row counts as empty.
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.KG)
    net_weight_kg = model_field(SeizureItem, "net_weight_kg").formfield(
        label=_("Net weight (kg)"),
        required=False,
        min_value=None,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=_("Tablets or liquid: the weighed mass, if known."),
    )


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_choices(IdentifierKind))
    value = _text(SeizureIdentifier, "value", _("Value"))


class PersonForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=_choices(PersonRole))
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_year = forms.IntegerField(label=_("Birth year"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "nationality", forms.ChoiceField).choices = country_choices()


class RowFormSet(forms.BaseFormSet):
    """A formset of optional rows: untouched spare rows and rows marked for removal are skipped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_errors: list[str] = []

    def rows(self) -> list[forms.Form]:
        """The forms that carry a row, in the order typed (their index matches the service's lists)."""
        return [
            form
            for form in self.forms
            if form.has_changed() and not (self.can_delete and form.cleaned_data.get(DELETE, False))
        ]

    def data_for_service(self) -> list[dict[str, Any]]:
        return [{k: v for k, v in form.cleaned_data.items() if k != DELETE} for form in self.rows()]

    def add_service_errors(self, messages: list[str]) -> None:
        """Messages of a service about the rows as a whole ("at least one item"), shown as the
        formset's own: validated again, its clean() raises them."""
        self.service_errors.extend(messages)
        self.full_clean()

    def clean(self) -> None:
        if self.service_errors:
            raise ValidationError(self.service_errors)


def _row_formset(form: type[forms.Form]) -> type[RowFormSet]:
    # Two spare empty rows always, so the form works without JavaScript.
    formset = forms.formset_factory(form, formset=RowFormSet, extra=2, can_delete=True)
    if not issubclass(formset, RowFormSet):
        raise TypeError(f"formset_factory gave {formset.__name__}, not a RowFormSet")
    return formset


ItemFormSet = _row_formset(ItemForm)
IdentifierFormSet = _row_formset(IdentifierForm)
PersonFormSet = _row_formset(PersonForm)

FORMSETS = (("items", ItemFormSet), ("identifiers", IdentifierFormSet), ("persons", PersonFormSet))


class SeizureEditor:
    """The main form and its three row formsets, bound together, with service errors mapped back."""

    def __init__(self, *, user, data=None, seizure=None, amending: bool = False) -> None:
        initial = SeizureForm.initial_from(seizure) if seizure is not None else None
        self.form = SeizureForm(
            data,
            user=user,
            amending=amending,
            initial=initial,
            current_operation_id=seizure.operation_id if seizure is not None else None,
        )
        self.formsets: dict[str, RowFormSet] = {}
        for prefix, formset_class in FORMSETS:
            rows = None
            if seizure is not None and data is None:
                rows = _rows_initial(seizure, prefix)
            self.formsets[prefix] = formset_class(data, prefix=prefix, initial=rows)

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    def data_for_service(self) -> dict[str, Any]:
        data = self.form.data_for_service()
        for prefix, formset in self.formsets.items():
            data[prefix] = formset.data_for_service()
        return data

    @property
    def amendment_reason(self) -> str:
        return self.form.cleaned_data.get("amendment_reason", "")

    def add_service_errors(self, error: ValidationError) -> None:
        """Put each message of a service ValidationError on the field or row it names."""
        for key, messages in _flatten(_as_tree(error)):
            self._add(key, messages)

    def _add(self, path: tuple, messages: list[str]) -> None:
        head = path[0] if path else None
        if head in self.formsets:
            formset = self.formsets[head]
            index, rest = _index_and_rest(path[1:])
            rows = formset.rows()
            if index is not None and 0 <= index < len(rows):
                form = rows[index]
                field = rest[0] if rest and rest[0] in form.fields else None
                for message in messages:
                    form.add_error(field, message)
            else:
                formset.add_service_errors(messages)
            return
        field = head if head in self.form.fields else None
        for message in messages:
            self.form.add_error(field, message)


def _rows_initial(seizure, prefix: str) -> list[dict[str, Any]]:
    return [{name: getattr(row, name) for name in ROW_INPUT_FIELDS[prefix]} for row in getattr(seizure, prefix).all()]


def _as_tree(error: Any) -> Any:
    """A ValidationError (dict, list or message, nested at will) as plain dicts, lists and strings."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return {key: _as_tree(value) for key, value in error.error_dict.items()}
        if hasattr(error, "error_list") and not (len(error.error_list) == 1 and error.error_list[0] is error):
            return [_as_tree(e) for e in error.error_list]
        message = error.message
        if isinstance(message, dict | list | ValidationError):
            return _as_tree(message)
        return str(message % error.params) if error.params else str(message)
    if isinstance(error, dict):
        return {key: _as_tree(value) for key, value in error.items()}
    if isinstance(error, list | tuple):
        return [_as_tree(value) for value in error]
    return str(error)


def _flatten(tree: Any, path: tuple = ()) -> list[tuple[tuple, list[str]]]:
    """[(("items", 1, "quantity"), ["…"]), (("country",), ["…"])]; dotted keys are split too."""
    if isinstance(tree, str):
        return [(path, [tree])]
    out: list[tuple[tuple, list[str]]] = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            parts: tuple = tuple(re.split(r"[.\[\]]+", str(key).strip("[]"))) if isinstance(key, str) else (key,)
            out.extend(_flatten(value, path + tuple(p for p in parts if p != "")))
        return out
    # A list under a formset name is one entry per row; elsewhere it is a list of messages.
    per_row = bool(path) and path[-1] in dict(FORMSETS) and any(isinstance(v, dict) for v in tree)
    strings: list[str] = []
    for index, value in enumerate(tree):
        if per_row:
            out.extend(_flatten(value, path + (index,)))
        elif isinstance(value, str):
            strings.append(value)
        else:
            out.extend(_flatten(value, path))
    if strings:
        out.append((path, strings))
    return out


def _index_and_rest(path: tuple) -> tuple[int | None, tuple]:
    if path:
        try:
            return int(path[0]), path[1:]
        except (TypeError, ValueError):
            pass
    return None, path
