"""The seizure list filters as a django-filter FilterSet (documents the API's query parameters).

The filtering itself is cases.seizures.selectors.apply_filters, shared with the pages,
the CSV export and the statistics.
"""

from __future__ import annotations

import copy
import functools

import django_filters
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from cases.choices import DetectionMethod, Drug, SeizureStatus, TransportMode
from cases.seizures.models import Seizure
from cases.seizures.selectors import apply_filters

COUNTRY_HELP = _("ISO 3166-1 alpha-2 code.")


class _Noop:
    """Filters only validate and document; apply_filters does the work in one place."""

    @staticmethod
    def method(queryset, name, value):
        return queryset


class _Declarations(dict):
    """The declared filters, copied shallowly for each request.

    django-filter deep-copies every filter for every request, lazy texts and choices
    included (0.5 ms a request, measured at 1,000,000 seizures): a request here only sets
    each copy's parent and model, so a shallow copy of each filter is enough.
    """

    def __deepcopy__(self, memo):
        return {name: _copy_filter(declared) for name, declared in self.items()}


def _copy_filter(declared: django_filters.Filter) -> django_filters.Filter:
    # Its own `extra` too: a filter may set arguments of its form field there per request
    # (django-filter's queryset filters do), which must not reach another request's copy.
    clone = copy.copy(declared)
    clone.extra = dict(declared.extra)
    return clone


class _SharedFields(dict):
    """The form's fields, shared by its instances: nothing sets a field per request, so the
    deep copy Django makes for each form (0.8 ms a request, choices and widgets) is skipped."""

    def __deepcopy__(self, memo):
        return dict(self)


@functools.cache
def _form_class(filterset_class: type[django_filters.FilterSet]) -> type:
    form_class = django_filters.FilterSet.get_form_class(filterset_class())
    form_class.base_fields = _SharedFields(form_class.base_fields)
    return form_class


class SeizureFilter(django_filters.FilterSet):
    drug = django_filters.ChoiceFilter(choices=Drug.choices, method=_Noop.method)
    agency = django_filters.CharFilter(method=_Noop.method, max_length=10, help_text=_("Agency code, e.g. KCS."))
    country = django_filters.CharFilter(method=_Noop.method, max_length=2, help_text=COUNTRY_HELP)
    origin_country = django_filters.CharFilter(method=_Noop.method, max_length=2, help_text=COUNTRY_HELP)
    destination_country = django_filters.CharFilter(method=_Noop.method, max_length=2, help_text=COUNTRY_HELP)
    transit_country = django_filters.CharFilter(method=_Noop.method, max_length=2, help_text=COUNTRY_HELP)
    transport_mode = django_filters.ChoiceFilter(choices=TransportMode.choices, method=_Noop.method)
    detection_method = django_filters.ChoiceFilter(choices=DetectionMethod.choices, method=_Noop.method)
    status = django_filters.ChoiceFilter(choices=SeizureStatus.choices, method=_Noop.method)
    operation = django_filters.NumberFilter(method=_Noop.method, help_text=_("Joint operation id."))
    occurred_after = django_filters.IsoDateTimeFilter(
        method=_Noop.method, help_text=_("ISO 8601 date or date-time; inclusive.")
    )
    occurred_before = django_filters.IsoDateTimeFilter(
        method=_Noop.method, help_text=_("ISO 8601 date or date-time; a bare date includes that whole day.")
    )
    identifier = django_filters.CharFilter(
        method=_Noop.method, max_length=200, help_text=_("Any identifier; matched on its normalised form.")
    )
    q = django_filters.CharFilter(method=_Noop.method, max_length=200, help_text=_("Free text."))

    class Meta:
        model = Seizure
        fields: list[str] = []

    def get_form_class(self):
        # The filters only validate and never depend on the request: one form class serves all.
        return _form_class(type(self))

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


SeizureFilter.base_filters = _Declarations(SeizureFilter.base_filters)
