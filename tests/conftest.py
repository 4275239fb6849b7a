"""Shared test setup: tests under tests/e2e, tests/security and tests/cluster are marked e2e (they start real
servers, most with the trained assistant, whose fixtures, one per run, are in tests/e2e/stack.py)."""

import os

import pytest

from tests.e2e.stack import assistant, browser, sender, web  # noqa: F401  (fixtures, registered once)

# The keyed references (bot.records.pseudonyms) use this key in tests, not the install's var/secrets.json.
os.environ.setdefault("INTAKE_REFERENCE_KEY", "test-reference-key")


def pytest_collection_modifyitems(items):
    for item in items:
        if any(f"/{folder}/" in str(item.fspath) for folder in ("e2e", "security", "cluster")):
            item.add_marker(pytest.mark.e2e)
