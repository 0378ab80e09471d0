"""Page forms: they parse and offer choices; the services decide and validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import AssignmentStatus, Drug, ParticipantRole, TransportMode
from cases.operations import permissions, selectors
from cases.operations.models import Assignment, JointOperation
from cases.seizures.models import Seizure
from crackdown.forms import field_of
from members.models import Agency, User
from members.permissions import CASE_ROLES

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class OperationForm(forms.Form):
    name = forms.CharField(label=_("Code name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    target_drugs = forms.MultipleChoiceField(
        label=_("Target drugs"), choices=Drug.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    transport_modes = forms.MultipleChoiceField(
        label=_("Transport modes"), choices=TransportMode.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    @classmethod
    def for_operation(cls, operation: JointOperation, data=None) -> OperationForm:
        initial = {f: getattr(operation, f) for f in cls.base_fields}
        return cls(data=data, initial=initial)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The operation cannot end before it starts."))
        return cleaned


class InviteForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies"), queryset=Agency.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    role = forms.ChoiceField(
        label=_("Invite as"),
        choices=[(ParticipantRole.PARTICIPANT, _("Participant")), (ParticipantRole.OBSERVER, _("Observer"))],
    )

    def __init__(self, *args, operation: JointOperation, **kwargs):
        super().__init__(*args, **kwargs)
        present = [p.agency_id for p in operation.participations.all()]
        field_of(self, "agencies", forms.ModelMultipleChoiceField).queryset = (
            Agency.objects.active().exclude(pk__in=present).order_by("code")
        )


class AgencyUserChoiceField(forms.ModelChoiceField):
    """Users of several agencies in one list: each label says the agency, and each option
    carries it (data-agency) so that the page shows only the chosen agency's people."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.agency.code if obj.agency else ''} · {obj.full_name}"


class AgencyOptionsSelect(forms.Select):
    """A select whose options name their agency in data-agency (static/js/operations.js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None and getattr(instance, "agency_id", None):
            option["attrs"]["data-agency"] = str(instance.agency_id)
        return option


class AssignmentForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    assignee = AgencyUserChoiceField(
        label=_("Assignee (optional)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Whole agency"),
        widget=AgencyOptionsSelect,
    )
    title = forms.CharField(label=_("Task"), max_length=200)
    instructions = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due_at = forms.DateTimeField(
        label=_("Due (your time)"), required=False, widget=DateTimeInput(), input_formats=DATETIME_FORMATS
    )

    def __init__(self, *args, operation: JointOperation, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [p.agency_id for p in operation.participations.all() if permissions.can_be_assigned(p)]
        field_of(self, "agency", forms.ModelChoiceField).queryset = Agency.objects.filter(pk__in=ids).order_by("code")
        field_of(self, "assignee", forms.ModelChoiceField).queryset = selectors.assignable_users(operation)
        self.fields["assignee"].widget.attrs["data-follows"] = "id_agency"

    def clean_due_at(self):
        due_at = self.cleaned_data.get("due_at")
        if due_at is not None and due_at < timezone.now():
            raise forms.ValidationError(_("The due date is in the past."), code="past")
        return due_at

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        agency, assignee = cleaned.get("agency"), cleaned.get("assignee")
        if agency is not None and assignee is not None and assignee.agency_id != agency.pk:
            self.add_error("assignee", _("Choose someone of the chosen agency, or the whole agency."))
        return cleaned


class AssignmentUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[])
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False, empty_label=_("Whole agency")
    )

    def __init__(self, *args, assignment: Assignment, **kwargs):
        kwargs.setdefault(
            "initial", {"status": assignment.status, "outcome": assignment.outcome, "assignee": assignment.assignee_id}
        )
        super().__init__(*args, **kwargs)
        field_of(self, "status", forms.ChoiceField).choices = [
            (s.value, s.label) for s in AssignmentStatus if s != AssignmentStatus.CANCELLED
        ]
        field_of(self, "assignee", forms.ModelChoiceField).queryset = User.objects.filter(
            agency_id=assignment.agency_id, is_active=True, role__in=CASE_ROLES
        ).order_by("full_name")
        prefix = f"a{assignment.pk}"
        for name, field in self.fields.items():
            field.widget.attrs["id"] = f"id_{prefix}_{name}"


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class LinkSeizureForm(forms.Form):
    """The link picker: a search box taking a reference, suggesting the agency's latest seizures
    not yet linked (any of its seizures may be typed)."""

    SUGGESTED = 200

    seizure = forms.CharField(
        label=_("Seizure reference"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "search", "list": "link-choices", "placeholder": "KCS-2026-000123"}),
    )

    def __init__(self, *args, user, operation: JointOperation, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions = [
            (seizure.reference, seizure.occurred_at)
            for seizure in Seizure.objects.visible_to(user)
            .filter(agency_id=user.agency_id)
            .exclude(operation=operation)
            .only("reference", "occurred_at")
            .order_by("-occurred_at", "-id")[: self.SUGGESTED]
        ]
