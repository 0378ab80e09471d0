"""Validation of the statistics filters (the seizure filters of API.md, plus the dashboard's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from cases.choices import DetectionMethod, Drug, SeizureStatus, TransportMode
from cases.seizures.validators import validate_country
from cases.stats.regions import regions
from crackdown.windows import validate_filter_date

GROUP_BY = ("drug", "agency", "country", "origin_country", "destination_country", "transport_mode", "month", "year")
COUNTRY_FIELDS = ("country", "origin_country", "destination_country", "transit_country")


def _country(value: str) -> None:
    validate_country(value)


class SeizureFilterForm(forms.Form):
    """Every filter of GET /api/v1/seizures/; unknown enums and bad dates are field errors."""

    drug = forms.ChoiceField(label=_("Drug"), choices=[("", _("All drugs")), *Drug.choices], required=False)
    agency = forms.CharField(label=_("Agency"), max_length=10, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, required=False, validators=[_country])
    origin_country = forms.CharField(label=_("Origin"), max_length=2, required=False, validators=[_country])
    destination_country = forms.CharField(label=_("Destination"), max_length=2, required=False, validators=[_country])
    transit_country = forms.CharField(label=_("Transit"), max_length=2, required=False, validators=[_country])
    transport_mode = forms.ChoiceField(choices=[("", "—"), *TransportMode.choices], required=False)
    detection_method = forms.ChoiceField(choices=[("", "—"), *DetectionMethod.choices], required=False)
    status = forms.ChoiceField(choices=[("", "—"), *SeizureStatus.choices], required=False)
    operation = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    occurred_after = forms.DateTimeField(label=_("From"), required=False, validators=[validate_filter_date])
    occurred_before = forms.DateTimeField(label=_("To"), required=False, validators=[validate_filter_date])
    identifier = forms.CharField(max_length=200, required=False)
    q = forms.CharField(max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for field in COUNTRY_FIELDS:
            if data.get(field):
                data[field] = data[field].upper()
        if data.get("agency"):
            data["agency"] = data["agency"].upper()
        after, before = data.get("occurred_after"), data.get("occurred_before")
        if after and before and after > before:
            raise ValidationError({"occurred_before": _("The end is before the start.")})
        # A bare date means the whole day: hand apply_filters a date, which it widens to the day.
        for field in ("occurred_after", "occurred_before"):
            raw = self.data.get(field)
            day = parse_date(raw) if isinstance(raw, str) and len(raw.strip()) == 10 else None
            if day is not None and data.get(field) is not None:
                data[field] = day
        return data

    def filters(self) -> dict[str, Any]:
        """The cleaned, non-empty filters, in the shape cases.seizures.selectors.apply_filters takes."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}


class SeizureStatsForm(SeizureFilterForm):
    group_by = forms.ChoiceField(choices=[(g, g) for g in GROUP_BY])


class OriginShareForm(forms.Form):
    country = forms.CharField(max_length=2, validators=[_country])
    region = forms.CharField(max_length=20)

    def clean_country(self) -> str:
        return self.cleaned_data["country"].upper()

    def clean_region(self) -> str:
        region = self.cleaned_data["region"].strip().upper()
        if region not in regions():
            raise ValidationError(
                _("Unknown region; use one of %(regions)s.") % {"regions": ", ".join(sorted(regions()))}
            )
        return region


class DashboardFilterForm(forms.Form):
    """The dashboard's filters: a period (dates, inclusive) and a drug."""

    date_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=[validate_filter_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        validators=[validate_filter_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    drug = forms.ChoiceField(label=_("Drug"), choices=[("", _("All drugs")), *Drug.choices], required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError({"date_to": _("The end is before the start.")})
        return data

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")

    def selected_drug(self) -> str:
        return self.cleaned_data.get("drug", "") if self.is_valid() else ""
