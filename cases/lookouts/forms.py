"""Forms of the lookout pages: thin, the services validate (the same messages as the API)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lookouts.models import Lookout, LookoutSharing
from cases.seizures.forms import IdentifierForm, RowFormSet
from crackdown.forms import field_of
from members.models import Agency

DEFAULT_DAYS = 90

ValueFormSet = cast(
    "type[RowFormSet]", forms.formset_factory(IdentifierForm, formset=RowFormSet, extra=2, can_delete=True)
)


class LookoutForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("Never shown to other agencies that watch the same value."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("At most one year ahead."),
    )
    sharing = forms.ChoiceField(
        label=_("Who sees it"), choices=LookoutSharing.choices, initial=LookoutSharing.MEMBERS, widget=forms.RadioSelect
    )
    shared_with = forms.ModelMultipleChoiceField(
        label=_("Named agencies"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Seen by these agencies when “Named agencies” is chosen."),
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "shared_with", forms.ModelMultipleChoiceField).queryset = (
            Agency.objects.active().exclude(pk=user.agency_id).order_by("code")
        )


class LookoutEditor:
    """The lookout form and its value rows, bound together, with service errors mapped back."""

    def __init__(self, *, user, data=None, lookout: Lookout | None = None, initial_values=None) -> None:
        initial: dict[str, Any] = {"expires_at": timezone.localtime() + dt.timedelta(days=DEFAULT_DAYS)}
        rows = initial_values
        if lookout is not None:
            initial = {
                "title": lookout.title,
                "reason": lookout.reason,
                "expires_at": timezone.localtime(lookout.expires_at),
                "sharing": lookout.sharing,
                "shared_with": list(lookout.shared_with.all()),
            }
            rows = [{"kind": v.kind, "value": v.value} for v in lookout.values.all()]
        self.form = LookoutForm(data, user=user, initial=initial)
        self.values: RowFormSet = ValueFormSet(data, prefix="values", initial=rows)

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        return self.values.is_valid() and valid

    def data_for_service(self) -> dict[str, Any]:
        data = {name: self.form.cleaned_data[name] for name in ("title", "reason", "expires_at", "sharing")}
        data["shared_with"] = list(self.form.cleaned_data["shared_with"])
        data["values"] = self.values.data_for_service()
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Put each message of the service on the field or value row it names ("values.3.value")."""
        for key, messages in error.message_dict.items():
            parts = key.split(".")
            if parts[0] == "values":
                rows = self.values.rows()
                if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
                    form = rows[int(parts[1])]
                    field = parts[2] if parts[2] in form.fields else None
                    for message in messages:
                        form.add_error(field, message)
                else:
                    self.values.add_service_errors(list(messages))
                continue
            field = parts[0] if parts[0] in self.form.fields else None
            for message in messages:
                self.form.add_error(field, message)
