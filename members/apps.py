from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        # Registration imports (AppConfig.ready): the layout's navigation entries of this app.
        from crackdown import navigation
        from members import (
            permissions,
            signals,  # noqa: F401  (sign-in/out audit log)
        )

        navigation.register(
            order=60, label=_("My agency"), url_name="members:agency", allowed=permissions.is_agency_user
        )
        navigation.register(
            order=80, label=_("Agencies"), url_name="members:platform_agencies", allowed=permissions.is_platform_admin
        )
        navigation.register(
            order=90, label=_("Django admin"), url_name="admin:index", allowed=permissions.is_platform_admin
        )
