from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """The dashboard and the statistics API (no models of its own: it reads the seizure summary)."""

    name = "cases.stats"
    label = "stats"

    def ready(self) -> None:
        # Registration imports (AppConfig.ready): the layout's navigation entries of this app.
        from crackdown import navigation
        from members.permissions import is_agency_user

        navigation.register(order=10, label=_("Dashboard"), url_name="home", allowed=is_agency_user)
