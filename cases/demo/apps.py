from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data: `seed_demo` for `make run`, `generate_seizures` for the bench.

    It sits above every domain app (it writes through their services), so nothing imports it.
    """

    name = "cases.demo"
    label = "demo"
