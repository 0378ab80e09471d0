from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "cases.imports"
    label = "imports"

    def ready(self) -> None:
        # Registration imports (AppConfig.ready): the task, and the layout's navigation entry.
        from cases.imports import tasks  # noqa: F401
        from crackdown import navigation
        from members.permissions import works_cases

        navigation.register(order=25, label=_("Import"), url_name="imports:list", allowed=works_cases)
