"""The held-out sets (FAQ, crisis) stay held out: none of their phrasings is in the training data."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HELDOUT_FILES = sorted((ROOT / "tests" / "data").glob("faq_heldout*.yml")) + sorted(
    (ROOT / "tests" / "data").glob("faq_offtopic*.yml")) + sorted((ROOT / "tests" / "data" / "crisis").glob("*.yml"))


def normalized(text: str) -> str:
    """Lowercase words only, so "What's an IOP?" and "whats an iop" count as the same phrasing."""
    return " ".join(re.sub(r"[^\w$ ]", "", text.lower()).split())  # letters of any script


def training_examples() -> set[str]:
    """Every example of every intent in data/nlu/, normalized."""
    examples = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    examples.add(normalized(line.strip()[2:]))
    return examples


@pytest.mark.parametrize("path", HELDOUT_FILES, ids=lambda p: p.name)
def test_no_heldout_phrasing_is_in_the_training_data(path):
    items = yaml.safe_load(path.read_text())
    texts = [item["text"] if isinstance(item, dict) else item for item in items]
    assert texts, path
    trained = training_examples()
    assert [t for t in texts if normalized(t) in trained] == []
