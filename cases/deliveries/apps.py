from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveriesConfig(AppConfig):
    name = "cases.deliveries"
    label = "deliveries"
    verbose_name = _("Controlled deliveries")

    def ready(self) -> None:
        # Registration imports (AppConfig.ready): the layout's navigation entry of this app.
        from crackdown import navigation
        from members.permissions import is_agency_user

        navigation.register(
            order=35, label=_("Controlled deliveries"), url_name="deliveries:list", allowed=is_agency_user
        )
