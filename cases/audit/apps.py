from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The access audit: who of other agencies looked at an agency's seizures (no models of its own)."""

    name = "cases.audit"
    label = "audit"

    def ready(self) -> None:
        # Registration imports (AppConfig.ready): the layout's navigation entries of this app.
        from cases.audit.permissions import can_read_audit
        from crackdown import navigation

        navigation.register(order=70, label=_("Access audit"), url_name="audit:page", allowed=can_read_audit)
