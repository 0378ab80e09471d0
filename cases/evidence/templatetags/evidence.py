"""`{% evidence_summary seizure as evidence %}`: the seizure page's evidence panel for its reader.

The seizure page is the seizure app's; it includes the panel's template, and this tag reads
the files, the custody record's length and the purity by item through the evidence selectors
(the seizure has already been checked visible to the reader by the seizure page).
"""

from __future__ import annotations

from typing import Any

from django import template

from cases.evidence.selectors import custody_of, evidence_of, evidence_with_thumbnail_ids, purity_by_item

register = template.Library()


@register.simple_tag(takes_context=True)
def evidence_summary(context: Any, seizure: Any) -> dict[str, Any]:
    if context.get("request") is None or seizure is None:
        return {}
    files = list(evidence_of(seizure))
    purity = purity_by_item(seizure)
    return {
        "files": files,
        "thumbnails": evidence_with_thumbnail_ids(seizure),
        "custody_count": custody_of(seizure).count(),
        "purity": [row for row in purity if row.percent is not None],
    }


@register.filter
def filesize(size: int) -> str:
    """Bytes as B, KB or MB (two significant decimals)."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} MB"


@register.filter
def field_named(form: Any, name: str) -> Any:
    """`form|field_named:name`: a bound field whose name is built in the template (purity_1…)."""
    return form[name]
