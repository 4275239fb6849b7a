"""Questions about programs, answered from the knowledge file with sources, end to end."""

import json
import urllib.request
from collections import Counter

import pytest
import yaml

from bot.app.model import ROOT
from bot.clinical.knowledge import load_entries, training_phrasings
from tests.e2e.driver import talk
from tests.e2e.stack import TOKEN
from tests.e2e.test_conversations import CALM

DATA = ROOT / "tests" / "data"
# Held-out sets (README, "Questions about programs"): measured accuracy, and the floor each must keep,
# a few questions below it, as retraining after a small data change moves a set by two or three questions.
HELDOUT_SETS = {  # file: (measured, floor)
    "faq_heldout.yml": (0.885, 0.84),  # written before the FAQ work, its misses studied since
    "faq_heldout_2.yml": (0.913, 0.84),  # written before the FAQ work, in other styles
    "faq_heldout_3.yml": (0.932, 0.86),  # written after the second round, a development set since
    "faq_heldout_4.yml": (0.966, 0.90),  # written blind to the training data; a development set since
    "faq_heldout_5.yml": (0.939, 0.88),  # written blind; its misses informed the third round
    "faq_heldout_6.yml": (0.941, 0.88),  # written blind; 90.6% when first measured, a development set since
    "faq_heldout_7.yml": (0.943, 0.90),  # written blind, unseen until the final measurement of the third round
}
OFF_TOPIC_SETS = {  # file: wrongly answered when measured
    "faq_offtopic.yml": 2, "faq_offtopic_2.yml": 1, "faq_offtopic_3.yml": 7, "faq_offtopic_4.yml": 1,
    "faq_offtopic_5.yml": 7,
}
TOPICS = sorted(load_entries())


def parse(assistant, text: str) -> dict:
    url = f"http://localhost:{assistant.ports.rasa}/model/parse?token={TOKEN}"
    request = urllib.request.Request(url, json.dumps({"text": text}).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def answered_topic(parsed: dict) -> str | None:
    if parsed["intent"]["name"] != "faq":
        return None
    return parsed["response_selector"]["faq"]["response"]["utter_action"].split("/", 1)[1]


def faq_payloads(replies):
    return [m["custom"] for m in replies if (m.get("custom") or {}).get("type") == "faq"]


def heldout_accuracy(assistant, items) -> float:
    misses = Counter()
    for item in items:
        if answered_topic(parse(assistant, item["text"])) != item["topic"]:
            misses[item["topic"]] += 1
    accuracy = 1 - sum(misses.values()) / len(items)
    print(f"FAQ held-out accuracy: {accuracy:.1%} of {len(items)}; misses by topic: {dict(misses)}")
    return accuracy


@pytest.mark.parametrize("name", HELDOUT_SETS)
def test_heldout_questions_get_the_right_topic(assistant, name):
    items = yaml.safe_load((DATA / name).read_text())
    assert len({item["topic"] for item in items}) == len(TOPICS) and len(items) >= 40
    assert heldout_accuracy(assistant, items) >= HELDOUT_SETS[name][1]


def test_all_heldout_questions_together_reach_the_target(assistant):
    # Issue 3 asks for 90% on a held-out set of at least 60; all 504 together: 93.5% (README).
    items = [item for name in HELDOUT_SETS for item in yaml.safe_load((DATA / name).read_text())]
    assert len(items) == 504 and heldout_accuracy(assistant, items) >= 0.90


def test_off_topic_questions_are_rarely_answered(assistant):
    questions = [text for name in OFF_TOPIC_SETS for text in yaml.safe_load((DATA / name).read_text())]
    wrong = [text for text in questions if answered_topic(parse(assistant, text)) is not None]
    print(f"Off-topic questions answered with an FAQ topic: {len(wrong)} of {len(questions)}")
    assert len(questions) == 180 and len(wrong) <= 24  # 18 of 180 (README)


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_is_answered_with_its_sources(assistant, sender, topic):
    question = training_phrasings()[topic][0]
    replies = assistant.say(sender, question)
    payload = faq_payloads(replies)
    assert payload and payload[0]["topic"] == topic, replies
    assert payload[0]["sources"] == list(load_entries()[topic].sources)
    assert replies[0]["text"]


def test_a_question_mid_intake_is_answered_and_the_form_resumes(assistant, sender):
    assistant.say(sender, "help me find the right program")
    assistant.say(sender, "yes")  # consent to storing the answers
    assistant.say(sender, "alcohol")
    replies = assistant.say(sender, "how many hours a week is an IOP?")
    assert faq_payloads(replies)[0]["topic"] == "iop_hours"
    assert "mild, moderate or severe" in replies[-1]["text"]
    assert assistant.tracker(sender)["slots"]["requested_slot"] == "severity"
    convo = talk(assistant, sender, [], {**CALM})
    assert convo.recommendation["level"] == "op"


def test_a_question_outside_the_documents_gets_an_honest_answer(assistant, sender):
    for question in ("do you sell gift cards", "what food do you serve", "is the clinic wheelchair accessible"):
        replies = assistant.say(sender, question)
        payload = faq_payloads(replies)
        assert payload and payload[0]["topic"] == "unknown", replies
        assert "don't have information" in replies[0]["text"]


def test_after_the_recommendation_my_program_outline(assistant, sender):
    convo = talk(assistant, sender, ["I'd like help choosing a program"], {**CALM, "severity": "moderate"})
    assert convo.recommendation["level"] == "iop"
    replies = assistant.say(sender, "what would IOP look like for me?")
    program = [m["custom"] for m in replies if (m.get("custom") or {}).get("type") == "program"]
    assert program and program[0]["level"] == "iop" and program[0]["recommended"] is True
    assert "9 to 20 hours a week" in replies[0]["text"]
