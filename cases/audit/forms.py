"""The access audit's filters, shared by the page, the CSV export and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.seizures.models import SeizureAccess
from crackdown.forms import field_of
from crackdown.windows import validate_filter_date
from members.models import Agency, User


class AuditFilterForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), to_field_name="code", required=False
    )
    action = forms.ChoiceField(label=_("Action"), choices=[("", "—"), *SeizureAccess.Action.choices], required=False)
    since = forms.DateField(
        label=_("From"),
        required=False,
        validators=[validate_filter_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("To"), required=False, validators=[validate_filter_date], widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.order_by("code")
        # The page builds the form before its 403; a user of no agency sees every agency.
        if user.agency_id is not None:
            agencies = agencies.exclude(pk=user.agency_id)
        field_of(self, "agency", forms.ModelChoiceField).queryset = agencies

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data


def plain_errors(form: forms.Form) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}
