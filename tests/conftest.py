"""Shared test setup: tests under tests/e2e are marked e2e (they need the trained assistant)."""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
