"""`{% webhook_delivery_log %}`: the agency page's delivery log and test button, for its admins."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from cases.alerts import permissions, selectors, webhooks

register = template.Library()

# What a delivery's last error says, by the categories the webhook code writes
# (cases/alerts/webhooks.py WebhookError, prefixed "webhook: " by cases/alerts/delivery.py).
_CATEGORIES = (
    ("webhook: HTTP ", _("receiver error")),
    (webhooks.CONNECTION_FAILED, _("unreachable")),
    (webhooks.TLS_ERROR, _("unreachable")),
    (webhooks.REFUSED, _("address refused")),
    (webhooks.NO_SECRET, _("no secret")),
    ("e-mail:", _("e-mail")),
)


@register.filter
def error_category(last_error: str) -> str:
    """A short category of a delivery's last error ("" when there is none)."""
    if not last_error:
        return ""
    for words, category in _CATEGORIES:
        if words in last_error:
            return str(category)
    return str(_("other"))


@register.inclusion_tag("alerts/_webhook_log.html", takes_context=True)
def webhook_delivery_log(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.can_manage_webhook(user):
        return {"shown": False}
    return {
        "shown": True,
        "agency": user.agency,
        "deliveries": selectors.webhook_deliveries(user.agency),
        "csrf_token": context.get("csrf_token"),
    }
