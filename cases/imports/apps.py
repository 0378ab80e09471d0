from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "cases.imports"
    label = "imports"

    def ready(self) -> None:
        # Registration import (AppConfig.ready): the tasks, by their names.
        from cases.imports import tasks  # noqa: F401
