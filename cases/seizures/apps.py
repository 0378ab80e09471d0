from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeizuresConfig(AppConfig):
    name = "cases.seizures"
    label = "seizures"

    def ready(self) -> None:
        # Registration imports (AppConfig.ready): the layout's navigation entries of this app.
        from crackdown import navigation
        from members.permissions import is_agency_user

        navigation.register(order=20, label=_("Seizures"), url_name="seizures:list", allowed=is_agency_user)
