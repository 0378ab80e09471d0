"""Forms of the alert pages: thin, the services validate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import MANUAL_ALERT_KINDS, AlertKind, Drug, Priority, TransportMode
from crackdown.forms import field_of
from members.models import Agency

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

BOX_CHOICES = [("", _("Inbox and sent")), ("inbox", _("Inbox")), ("sent", _("Sent"))]


class AlertFilterForm(forms.Form):
    box = forms.ChoiceField(label=_("Box"), choices=BOX_CHOICES, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *AlertKind.choices], required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=[("", _("Any priority")), *Priority.choices], required=False
    )
    unacknowledged = forms.BooleanField(label=_("Not yet acknowledged only"), required=False)


class AlertForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        label=_("Recipient agencies"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in MANUAL_ALERT_KINDS])
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.ROUTINE)
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Details"), widget=forms.Textarea, required=False, max_length=20000)
    # Chosen by reference: a search box listing the reader's recent seizures (a datalist the
    # view fills); any reference the reader may see is accepted.
    seizure = forms.CharField(
        label=_("Linked seizure"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "search", "list": "seizure-choices", "placeholder": "KCS-2026-000123"}),
        help_text=_("Optional: the reference of a seizure you can see. Type to search."),
    )
    operation = forms.CharField(
        label=_("Linked operation"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "search", "list": "operation-choices", "placeholder": "JO-2026-007"}),
        help_text=_("Optional: the code of one of your operations. Type to search."),
    )

    def clean_seizure(self):
        return self.cleaned_data["seizure"].strip().upper() or None

    def clean_operation(self):
        return self.cleaned_data["operation"].strip().upper() or None

    ack_due_at = forms.DateTimeField(
        label=_("Acknowledge by"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Optional. Urgent and flash alerts not acknowledged by then are sent again."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "recipients", forms.ModelMultipleChoiceField).queryset = (
            Agency.objects.active().exclude(pk=user.agency_id).order_by("code")
        )


class AcknowledgeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("What your agency did or will do about it."),
    )


def _filter_boxes(
    label: StrOrPromise, choices: Sequence[tuple[str, StrOrPromise]], help_text: StrOrPromise
) -> forms.Field:
    """A filter of the e-mail preferences: tick boxes, where none ticked lets everything through."""
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class AlertPreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(label=_("Send alerts to our contact e-mail address"), required=False)
    email_kinds = _filter_boxes(_("Kinds by e-mail"), AlertKind.choices, _("None ticked: every kind."))
    email_drugs = _filter_boxes(
        _("Seizure notices by e-mail only for these drugs"), Drug.choices, _("None ticked: every drug.")
    )
    email_transport_modes = _filter_boxes(
        _("…and only for these transport modes"), TransportMode.choices, _("None ticked: every mode.")
    )
    routine_as_digest = forms.BooleanField(
        label=_("Routine alerts in one daily digest e-mail instead of one e-mail each"), required=False
    )
