"""The seizure list filters as a django-filter FilterSet (documents the API's query parameters).

The filtering itself is cases.seizures.selectors.apply_filters, shared with the pages,
the CSV export and the statistics.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from cases.choices import DetectionMethod, Drug, SeizureStatus, TransportMode
from cases.seizures.models import Seizure
from cases.seizures.selectors import apply_filters
from crackdown.windows import validate_filter_date
from members.models import validate_country

COUNTRY_HELP = _("ISO 3166-1 alpha-2 code.")
MAX_ID = 2**63 - 1


class _Noop:
    """Filters only validate and document; apply_filters does the work in one place."""

    @staticmethod
    def method(queryset, name, value):
        return queryset


# One form class per filter set class. A dict rather than functools.cache: mypy does not see
# a class with an untyped base (django-filter has no types) as a hashable argument.
_FORM_CLASSES: dict[type, type] = {}


def _form_class(filterset_class: type[django_filters.FilterSet]) -> type:
    form_class = _FORM_CLASSES.get(filterset_class)
    if form_class is None:
        # Two requests racing here each build one; either serves.
        form_class = _FORM_CLASSES[filterset_class] = django_filters.FilterSet.get_form_class(filterset_class())
    return form_class


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number from 1 to the largest id PostgreSQL stores (else a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class SeizureFilter(django_filters.FilterSet):
    drug = django_filters.ChoiceFilter(choices=Drug.choices, method=_Noop.method)
    agency = django_filters.CharFilter(method=_Noop.method, max_length=10, help_text=_("Agency code, e.g. KCS."))
    country = django_filters.CharFilter(
        method=_Noop.method, max_length=2, help_text=COUNTRY_HELP, validators=[validate_country]
    )
    origin_country = django_filters.CharFilter(
        method=_Noop.method, max_length=2, help_text=COUNTRY_HELP, validators=[validate_country]
    )
    destination_country = django_filters.CharFilter(
        method=_Noop.method, max_length=2, help_text=COUNTRY_HELP, validators=[validate_country]
    )
    transit_country = django_filters.CharFilter(
        method=_Noop.method, max_length=2, help_text=COUNTRY_HELP, validators=[validate_country]
    )
    transport_mode = django_filters.ChoiceFilter(choices=TransportMode.choices, method=_Noop.method)
    detection_method = django_filters.ChoiceFilter(choices=DetectionMethod.choices, method=_Noop.method)
    status = django_filters.ChoiceFilter(choices=SeizureStatus.choices, method=_Noop.method)
    operation = IdFilter(method=_Noop.method, help_text=_("Joint operation id."))
    occurred_after = django_filters.IsoDateTimeFilter(
        method=_Noop.method,
        help_text=_("ISO 8601 date or date-time; inclusive."),
        validators=[validate_filter_date],
    )
    occurred_before = django_filters.IsoDateTimeFilter(
        method=_Noop.method,
        help_text=_("ISO 8601 date or date-time; a bare date includes that whole day."),
        validators=[validate_filter_date],
    )
    identifier = django_filters.CharFilter(
        method=_Noop.method, max_length=200, help_text=_("Any identifier; matched on its normalised form.")
    )
    q = django_filters.CharFilter(method=_Noop.method, max_length=200, help_text=_("Free text."))

    class Meta:
        model = Seizure
        fields: list[str] = []

    def get_form_class(self) -> type:
        # django-filter builds a new form class for each request (its fields, labels and
        # choices: ~1 ms); these filters never depend on the request, so one class serves all.
        # Each form still gets its own copy of the fields, as Django gives every form.
        return _form_class(type(self))

    def is_valid(self) -> bool:
        # Each filter takes one value: `?country=KR&country=TH` is refused, not read as TH.
        valid = super().is_valid()
        getlist = getattr(self.data, "getlist", None)
        if getlist is not None:
            for name in self.filters:
                if len(getlist(name)) > 1 and name not in self.form.errors:
                    self.form.add_error(name, RegexValidator.message)
                    valid = False
        return valid

    def filter_queryset(self, queryset):
        values = dict(self.form.cleaned_data)
        # A bare date as upper bound means "up to the end of that day".
        raw_before = self.data.get("occurred_before") or ""
        if len(raw_before) == 10 and parse_date(raw_before):
            values["occurred_before"] = parse_date(raw_before)
        if values.get("operation") is not None:
            values["operation"] = int(values["operation"])
        return apply_filters(
            queryset, values, agency_id=getattr(getattr(self.request, "user", None), "agency_id", None)
        )
