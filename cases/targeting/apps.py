from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetingConfig(AppConfig):
    name = "cases.targeting"
    label = "targeting"
    verbose_name = _("Targeting")

    def ready(self) -> None:
        # Registration imports (AppConfig.ready): the Celery task and the navigation entry.
        from cases.targeting import tasks  # noqa: F401
        from cases.targeting.permissions import can_view_targeting
        from crackdown import navigation

        navigation.register(order=45, label=_("Targeting"), url_name="targeting:queue", allowed=can_view_targeting)
