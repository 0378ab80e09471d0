"""`{% linked_seizures seizure as linked %}`: the linked-seizures panel's rows for the reader."""

from __future__ import annotations

from django import template

from cases.matching import permissions
from cases.matching.selectors import linked_seizures_for

register = template.Library()


@register.simple_tag(takes_context=True)
def linked_seizures(context, seizure) -> list:
    request = context.get("request")
    if request is None or seizure is None:
        return []
    return linked_seizures_for(request.user, seizure)


@register.filter
def can_act_on_matches(user) -> bool:
    """`{% if request.user|can_act_on_matches %}`: the permission rule, not a role test in the template."""
    return permissions.can_act_on_matches(user)
