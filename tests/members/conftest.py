import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the shared cache (Redis): start every test from zero."""
    cache.clear()
    yield
    cache.clear()
