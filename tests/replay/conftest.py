"""Replay tests without the trained model: a parse function built from the same rule layers.

`rules_parse` stands in for the trained NLU: the crisis rules (bot.crisis.assess) and the spaCy intake rules
(bot.conversation.extract) as entities, with a plain "inform" intent. Tests that need DIET live in tests/e2e.
"""

from pathlib import Path

import pytest

from bot.conversation.extract import extract_facts
from bot.crisis.assess import detect_crisis

TRANSCRIPTS = Path(__file__).resolve().parent.parent / "data" / "transcripts"


def rules_parse(texts):
    results = []
    for text in texts:
        signal = detect_crisis(text)
        if signal:
            results.append({"intent": {"name": "crisis"},
                            "entities": [{"entity": "crisis_category", "value": signal.category}]})
            continue
        entities = [{"entity": fact.criterion, "value": fact.value} for fact in extract_facts(text)]
        results.append({"intent": {"name": "inform"}, "entities": entities})
    return results


@pytest.fixture
def parse():
    return rules_parse


@pytest.fixture
def transcripts() -> Path:
    return TRANSCRIPTS
