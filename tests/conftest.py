"""Shared test setup: tests under tests/e2e and tests/security are marked e2e (they need the trained assistant,
whose fixtures, one per run, are in tests/e2e/stack.py)."""

import os

import pytest

from tests.e2e.stack import assistant, browser, sender, web  # noqa: F401  (fixtures, registered once)

# The keyed references (bot.pseudonyms) use this key in tests, not the install's var/secrets.json.
os.environ.setdefault("INTAKE_REFERENCE_KEY", "test-reference-key")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath) or "/security/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
