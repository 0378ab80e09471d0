from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "cases.operations"
    label = "operations"

    def ready(self) -> None:
        # Registration imports (AppConfig.ready): the layout's navigation entries of this app.
        from crackdown import navigation
        from members.permissions import is_agency_user

        navigation.register(order=30, label=_("Operations"), url_name="operations:list", allowed=is_agency_user)
