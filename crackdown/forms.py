"""Helpers shared by the apps' HTML forms."""

from __future__ import annotations

from typing import TypeVar

from django import forms

FieldT = TypeVar("FieldT", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    """The form's own copy of a field, as the kind it was declared with.

    `form.fields` is typed as plain `Field`s; a form that sets a per-request queryset or
    choices names the kind here once, and a declaration that changes kind fails loudly.
    """
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field
