import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_cached_values():
    """The benchmark opens the dashboard, whose filter choices are cached: each test starts and
    ends without them."""
    cache.clear()
    yield
    cache.clear()
