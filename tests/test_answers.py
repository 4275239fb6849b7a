"""The learned reading of an answer to the pending question (bot/conversation/answers.py) and how extraction uses it."""

import pytest
import yaml

from bot.app.model import ROOT
from bot.clinical.criteria import BY_ID
from bot.conversation.answers import ANSWERS_FILE, LEARNED, MIN_CONFIDENCE, VAGUE, examples, learned_value, read_answer
from bot.conversation.extract import extract_facts


def test_the_examples_cover_every_learned_criterion_with_valid_values():
    data = examples()
    for criterion in LEARNED:
        values = set(data[criterion]) - {VAGUE}
        assert values and values <= set(BY_ID[criterion].values), criterion


def test_the_final_persona_set_is_never_learned_from():
    learned = {text for by_value in examples().values() for texts in by_value.values() for text in texts}
    final = set()
    for path in sorted((ROOT / "tests" / "data" / "personas" / "final").glob("*.yml")):
        for persona in yaml.safe_load(path.read_text(encoding="utf-8")):
            final |= {str(t) for says in persona["say"].values() for t in says}
    header = ANSWERS_FILE.read_text(encoding="utf-8").split("\n", 1)[0]
    assert "dev" in header and "final" not in header
    # short common answers ("Yes, I can commit.", "Six hours a week.") coincide across writers (the eighteenth round's
    # writer: 83 of its 1,475 answers of four words or more, 5.6%); learned from, the set would share nearly all
    final = {text for text in final if len(text.split()) >= 4}
    assert final and len(learned & final) < 0.15 * len(final)


@pytest.mark.parametrize("criterion, text, value", [
    ("severity", "it's messing with work and my marriage, but I still function", "moderate"),
    ("support", "my whole family is behind me on this, every one of them", "strong"),
    ("can_live_at_facility", "no way, I have three kids at home", "no"),
    ("relapse", "I went back to it last weekend after two months clean", "recent_relapse"),
])
def test_a_plain_answer_is_read(criterion, text, value):
    # the classifier's best reading (on a list of people, "my mom and my sponsor are always there for me", it moved
    # between strong and some as it learned from later writers; the patterns read that answer: tests/test_extract.py)
    assert read_answer(criterion, text).value == value


def test_no_reading_without_a_known_word_or_for_criteria_it_does_not_learn():
    assert read_answer("severity", "qwxz vvbn") is None
    assert read_answer("substances", "beer mostly") is None


def test_a_question_back_or_a_message_about_something_else_is_not_read_as_the_answer():
    assert not [f for f in extract_facts("how long does IOP last?", asked="severity", learned=True)
                if f.criterion == "severity"]
    facts = extract_facts("my wife is supportive", asked="home", learned=True)
    assert [f.criterion for f in facts] == ["support"]


def test_a_dangerous_withdrawal_the_patterns_found_needs_a_sure_reading_to_change():
    facts = extract_facts("I had a seizure the last time I quit drinking", asked="withdrawal", learned=True)
    assert [f.value for f in facts if f.criterion == "withdrawal"] == ["dangerous"]


def test_what_the_patterns_read_gives_way_only_to_a_fairly_sure_reading():
    facts = extract_facts("its completely out of control", asked="severity", learned=True)
    assert [f.value for f in facts if f.criterion == "severity"] == ["severe"]


def test_no_withdrawal_from_a_vague_answer_needs_a_sure_reading():
    assert learned_value("withdrawal", "Stopping doesn't agree with me.", 0.0) is None


def test_an_answer_to_a_question_asked_again_takes_the_best_reading(monkeypatch):
    import bot.conversation.extract

    def unsure_reading(criterion, text, min_confidence=MIN_CONFIDENCE):  # a reading of 40%
        return "moderate" if min_confidence <= 0.4 else None

    monkeypatch.setattr(bot.conversation.extract, "learned_value", unsure_reading)
    text = "It cost me a suspension and a lot of trust."
    first = [f for f in extract_facts(text, asked="severity", learned=True) if f.criterion == "severity"]
    again = [f for f in extract_facts(text, asked="severity", learned=True, guess=True) if f.criterion == "severity"]
    assert not first and [f.value for f in again] == ["moderate"]


def test_a_list_item_named_in_passing_does_not_make_an_answer_about_something_else():
    facts = extract_facts("i missed a lot of school this semester", asked="severity", learned=True)
    assert {f.criterion for f in facts} == {"severity", "commitments"}


def test_an_answer_put_off_is_not_guessed():
    """"That's a long story" to the withdrawal question had been guessed as mild, even on the second asking."""
    for text in ("Oh, that's a long story.", "where do I even start with that one"):
        facts = extract_facts(text, "withdrawal", learned=True, guess=True)
        assert not [f for f in facts if f.criterion == "withdrawal"]


def test_a_plain_no_opening_a_reply_answers_a_yes_or_no_question_whatever_follows():
    """"No. If I go inpatient I'm grounded ..." had been read as yes to the facility question."""
    facts = extract_facts("No. Going residential again would cost me my job.", "can_live_at_facility", learned=True)
    assert [f.value for f in facts if f.criterion == "can_live_at_facility"] == ["no"]


def test_an_answer_said_to_be_given_before_is_not_guessed():
    """"As I said, wine." to the severity question had been read as severe by the classifier."""
    facts = extract_facts("Like I said, beer.", "severity", learned=True, guess=True)
    assert not [f for f in facts if f.criterion == "severity"]
