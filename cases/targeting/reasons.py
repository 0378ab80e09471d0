"""Reasons as a reader reads them. A reason is stored language-neutral ({"source", "code",
"params", "points"}) and its label is written in the reader's language when it is shown."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LOOKOUT = "lookout"
RULE = "rule"


def reason_label(reason: dict[str, Any]) -> str:
    code: str = reason.get("code", "")
    params: dict[str, Any] = reason.get("params") or {}
    if code == LOOKOUT:
        label = _("lookout hit: %(kind)s %(value)s") % {
            "kind": params.get("kind", ""),
            "value": params.get("value", ""),
        }
        return f"{label} ({params['title']})" if params.get("title") else label
    if code == RULE:
        return _("rule “%(name)s”") % {"name": params.get("name", "")}
    name, _sep, value = code.partition("=")
    if name == "route":
        return _("route %(route)s") % {"route": value.replace(">", "→")}
    if name == "origin":
        return _("origin %(country)s") % {"country": value}
    if name == "transit":
        return _("transit through %(country)s") % {"country": value}
    if name == "mode":
        return _("transport mode %(mode)s") % {"mode": value}
    if name == "hs2":
        return _("HS chapter %(chapter)s") % {"chapter": value}
    if name == "goods":
        return _("goods described as “%(word)s”") % {"word": value}
    if name == "weight":
        return _("gross weight %(band)s kg") % {"band": value.replace("lt", "< ").replace("ge", "≥ ")}
    if name == "age":
        return _("traveller aged %(band)s") % {"band": value.replace("lt", "< ").replace("ge", "≥ ")}
    if name == "nationality":
        return _("nationality %(country)s") % {"country": value}
    if name in ("shipper_new", "consignee_new"):
        days = int(params.get("days") or 0)
        if days == 0:
            return _("shipper never seen before") if name == "shipper_new" else _("consignee never seen before")
        if name == "shipper_new":
            return ngettext("shipper first seen %(days)s day ago", "shipper first seen %(days)s days ago", days) % {
                "days": days
            }
        return ngettext("consignee first seen %(days)s day ago", "consignee first seen %(days)s days ago", days) % {
            "days": days
        }
    if name == "shipper_in_seizures":
        return _("shipper named in a seizure your agency can see")
    if name == "consignee_in_seizures":
        return _("consignee named in a seizure your agency can see")
    if name == "origin_seizures":
        count = int(params.get("count", 0))
        return ngettext(
            "%(count)s seizure from %(country)s in 3 years",
            "%(count)s seizures from %(country)s in 3 years",
            count,
        ) % {"count": count, "country": params.get("country", "")}
    return code


def labelled(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reasons in the API's shape: [{"source", "label", "points"}]."""
    return [{"source": r["source"], "label": reason_label(r), "points": r["points"]} for r in reasons]
