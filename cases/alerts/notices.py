"""What the alert system itself tells a sender: an alert not acknowledged in time.

Stored language-neutral like every notice (cases/alerts/texts.py); the overdue alert's own
notice and params travel inside, so its title is rendered in the reader's language too.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.alerts import texts
from cases.alerts.models import Alert

NOT_ACKNOWLEDGED = "alerts.not_acknowledged"


@texts.renderer(NOT_ACKNOWLEDGED)
def render_not_acknowledged(params: texts.Params) -> tuple[str, str]:
    original = params["original"]
    original_title, _body = texts.render(original["notice"], original["params"], original["title"], "")
    title = _("Not acknowledged in time: %(title)s") % {"title": original_title}
    body = _("%(codes)s did not acknowledge by the deadline; the alert was sent to them again.") % {
        "codes": params["codes"]
    }
    return title, body


def not_acknowledged_params(alert: Alert, codes: list[str]) -> dict:
    return {
        "codes": ", ".join(codes),
        "original": {"notice": alert.notice, "params": alert.params, "title": alert.title},
    }
