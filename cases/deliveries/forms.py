"""Page forms of controlled deliveries: they parse and offer choices; the services decide and validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import Drug, IdentifierKind, TransportMode, Unit
from cases.operations.models import JointOperation, Participation
from members.models import Agency

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PlaceInput(forms.TextInput):
    def __init__(self, **kwargs):
        attrs = {"list": "places", "autocapitalize": "characters", "spellcheck": "false", "size": 7}
        super().__init__(attrs=attrs, **kwargs)


class DeliveryForm(forms.Form):
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The law, treaty or agreement under which the consignment is let through."),
    )
    operation = forms.ModelChoiceField(
        label=_("Joint operation"), queryset=JointOperation.objects.none(), required=False
    )
    description = forms.CharField(label=_("Consignment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    drug = forms.ChoiceField(label=_("Drug"), choices=Drug.choices)
    estimated_quantity = forms.DecimalField(label=_("Estimated quantity"), min_value=0, max_digits=14, decimal_places=3)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    identifier_kind = forms.ChoiceField(
        label=_("Identifier kind"), choices=[("", "—"), *IdentifierKind.choices], required=False
    )
    identifier_value = forms.CharField(label=_("Identifier"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accepted = Participation.objects.accepted_by(user.agency_id).values("operation_id")
        operation = self.fields["operation"]
        assert isinstance(operation, forms.ModelChoiceField)
        operation.queryset = JointOperation.objects.filter(pk__in=accepted).order_by("-starts_on")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("identifier_value") and not cleaned.get("identifier_kind"):
            self.add_error("identifier_kind", _("Choose the kind of identifier."))
        return cleaned

    def identifiers(self) -> list[dict[str, str]]:
        kind, value = self.cleaned_data.get("identifier_kind"), self.cleaned_data.get("identifier_value")
        return [{"kind": kind, "value": value}] if kind and value else []


class LegForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.filter(is_active=True).order_by("code"), to_field_name="code"
    )
    from_place = forms.CharField(label=_("From"), max_length=10, widget=PlaceInput())
    to_place = forms.CharField(label=_("To"), max_length=10, widget=PlaceInput())
    # A blank first choice: an unused leg row posts nothing and is left out.
    transport_mode = forms.ChoiceField(label=_("Transport mode"), choices=[("", "—"), *TransportMode.choices])
    eta = forms.DateTimeField(
        label=_("Expected arrival (your time)"), widget=DateTimeInput(), input_formats=DATETIME_FORMATS
    )


class BaseLegFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(_("Give at least one leg."))


LegFormSet = forms.formset_factory(LegForm, formset=BaseLegFormSet, extra=3, max_num=10, validate_max=True)


class RespondForm(forms.Form):
    accept = forms.TypedChoiceField(choices=[("1", _("Accept")), ("0", _("Decline"))], coerce=lambda v: v == "1")
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False)


class HandoverForm(forms.Form):
    seq = forms.IntegerField(min_value=1, max_value=10)
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False)


class CompleteForm(forms.Form):
    seizures = forms.CharField(
        label=_("Resulting seizures (references)"),
        max_length=2000,
        required=False,
        help_text=_("Seizure references separated by commas, e.g. KCS-2026-000123."),
    )
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False)


class AbortForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)
