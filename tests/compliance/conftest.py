import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_cached_values():
    """The equality filters' choices are cached: each test starts and ends without them."""
    cache.clear()
    yield
    cache.clear()
