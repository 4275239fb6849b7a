"""The FAQ knowledge file: every topic answered in our own words, with sources; the search."""

import re

import pytest

from bot.app.model import ROOT
from bot.clinical.knowledge import SEARCH_THRESHOLD, choose_answer, knowledge_index, load_entries

TOPICS = (
    "iop_hours", "op_frequency", "iop_length", "php_time", "iop_therapies", "op_therapies", "cost",
    "insurance", "living_at_home", "drug_testing", "court_ordered", "iop_vs_op", "iop_vs_inpatient",
    "program_types", "step_down_step_up", "who_iop_suits", "who_op_suits",
)
SEEDS = ROOT.parent / "shared" / "seeds"
PROVIDERS = ("clearhaven", "absolute awakenings", "focused addiction recovery")


@pytest.fixture(scope="module")
def entries():
    return load_entries()


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_has_an_answer_with_sources(entries, topic):
    entry = entries[topic]
    assert len(entry.text.split()) >= 20
    assert entry.sources and set(entry.sources) <= {"000", "001", "002", "003", "004"}


def test_documents_disagreeing_on_iop_session_length_is_said(entries):
    entry = entries["iop_hours"]
    assert {"000", "001", "004"} <= set(entry.sources)
    assert "2-4" in entry.disagreement and "3-4" in entry.disagreement and "4 h" in entry.disagreement


def test_figures_carry_over(entries):
    assert "9" in entries["iop_hours"].text and "20" in entries["iop_hours"].text
    assert "90 days" in entries["iop_length"].text
    assert re.search(r"5 to 7|5-7", entries["php_time"].text)


def test_no_phone_numbers_or_provider_names(entries):
    for entry in entries.values():
        assert not re.search(r"\d{3}[.\- ]\d{3}[.\- ]\d{4}", entry.text), entry.topic
        assert not any(name in entry.text.lower() for name in PROVIDERS), entry.topic


@pytest.mark.skipif(not SEEDS.exists(), reason="shared/seeds is not beside the repository")
def test_no_sentence_is_copied_from_the_documents(entries):
    def grams(text, n=9):
        tokens = re.findall(r"[a-z0-9]+", text.lower())
        return {" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}

    seeds = set().union(*(grams(p.read_text()) for p in SEEDS.glob("0*.txt")))
    for entry in entries.values():
        assert not grams(entry.text) & seeds, entry.topic


def test_off_topic_questions_find_nothing():
    for question in ("who won the game last night", "how do I bake bread", "can you recommend a lawyer"):
        matches = knowledge_index().search(question, 1)
        assert not matches or matches[0].score < SEARCH_THRESHOLD, question


def test_confident_selector_is_trusted_and_unsure_one_is_searched():
    assert choose_answer("cost", 0.9, "is it expensive")[0].topic == "cost"
    entry, found_by = choose_answer(
        "cost", 0.2, "how many hours per week and how many days does an intensive outpatient program take")
    assert (entry.topic, found_by) == ("iop_hours", "search")
    assert choose_answer(None, 0.0, "what's your favourite colour") == (None, "none")


def test_a_sure_faq_intent_trusts_a_less_confident_selector():
    assert choose_answer("cost", 0.35, "iop $$", faq_confidence=0.95)[0].topic == "cost"
    assert choose_answer("cost", 0.35, "iop $$", faq_confidence=0.6) == (None, "none")


def test_questions_about_something_else_are_not_answered():
    from bot.clinical.knowledge import about_programs

    assert choose_answer("cost", 1.0, "how much does a gym membership cost") == (None, "none")
    assert not about_programs("how many hours of sleep does a teenager need")
    assert about_programs("how much does it cost")
    assert about_programs("iop $$?")
    assert about_programs("will my insurance pay")


def test_questions_are_told_from_statements():
    from bot.clinical.knowledge import looks_like_question

    assert looks_like_question("how long is IOP")
    assert looks_like_question("IOP hours?")
    assert not looks_like_question("completed intensive outpatient 2 weeks ago")
    assert looks_like_question("my wife drinks every night and works days, does she have to do detox first")
    assert looks_like_question("I'm on probation and work full time - can I do outpatient")
    assert not looks_like_question("I drink every day and I can't stop, my job is at risk")
    assert not looks_like_question("got out of rehab last week, I work and my wife is supportive")
    # Requests are questions too.
    assert looks_like_question("I need info on court-ordered treatment in an outpatient program")
    assert looks_like_question("looking for information about family programs")
    assert looks_like_question("I was wondering whether IOP meets in the evening")
    assert not looks_like_question("my doctor told me I need treatment for my drinking")
    assert not looks_like_question("when I was using I missed shifts")  # a clause, as the fact reader reads it
    assert looks_like_question("it says OP, what does that mean")


def test_a_story_ending_in_a_question_about_a_program_is_a_question():
    from bot.clinical.knowledge import ends_with_program_question, last_sentence

    assert last_sentence("I'm 19 and I work days. Can I still do IOP?") == "Can I still do IOP?"
    assert ends_with_program_question("My dad drinks a lot. He won't leave his shop. Would outpatient work for him?")
    assert ends_with_program_question("we both work nights and money is tight, does insurance cover rehab")
    assert not ends_with_program_question("I drink every day. Is that a lot?")
    assert not ends_with_program_question("I finished an IOP in March. I've been clean since.")
    assert not ends_with_program_question("Can I do IOP? I work full time and have two kids.")


def test_search_reads_shorthand_symbols_as_words():
    from bot.clinical.knowledge import words

    assert words("iop $$?") == ["iop", "dollar"]
    assert knowledge_index().search("op $", 1)[0].entry.topic == "cost"


def test_an_unsure_selector_answers_only_when_the_search_agrees():
    entry, _ = choose_answer("iop_hours", 0.4, "how many hours per week is iop", faq_confidence=0.95)
    assert entry.topic == "iop_hours"
    assert choose_answer("iop_therapies", 0.4, "is there a vending machine near the group room",
                         faq_confidence=0.95) == (None, "none")


def test_the_not_covered_topic_never_answers():
    assert choose_answer("not_covered", 0.95, "is there a microwave in the group room") == (None, "not_covered")
    assert "not_covered" not in knowledge_index().entries


def test_not_covered_is_overruled_only_by_a_strong_search_agreeing_with_the_runner_up():
    question = "will the judge accept outpatient if the court ordered me into treatment"
    entry, found_by = choose_answer("not_covered", 0.9, question, runner_up="court_ordered")
    assert (entry.topic, found_by) == ("court_ordered", "search")
    # The search's match is strong but the selector's runner-up is another topic: not covered stands.
    assert choose_answer("not_covered", 0.9, question, runner_up="insurance") == (None, "not_covered")
    # Runner-up and search agree, but the match is weak (a sober-living question, score ~7).
    assert choose_answer("not_covered", 0.8, "Do you run sober living houses for people who finish the program?",
                         runner_up="who_iop_suits") == (None, "not_covered")
