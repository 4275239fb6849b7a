"""The text rules every reader shares (bot/text.py): sentences and question words that open a clause."""

from bot.text import opens_clause, sentence_spans, sentences


def test_sentences_end_at_a_stop_and_a_space_or_a_line_break():
    assert sentences("Live there? No, I'm not doing live-in.") == ["Live there?", "No, I'm not doing live-in."]
    assert sentences("Is it 2.5 hours? Yes!!") == ["Is it 2.5 hours?", "Yes!!"]
    assert sentences("wait...what\nok then") == ["wait...what", "ok then"]
    assert sentences("...") == [] and sentences("") == []


def test_sentence_spans_point_into_the_text():
    text = "  I work days.   Can I do IOP?  "
    assert [text[start:end] for start, end in sentence_spans(text)] == ["I work days.", "Can I do IOP?"]


def test_a_question_word_with_a_subject_after_it_opens_a_clause():
    assert opens_clause(["when", "i", "was", "using"])
    assert not opens_clause(["when", "is", "iop"])
    assert not opens_clause(["whenever", "i", "drink"])
    assert opens_clause(["whenever", "i", "drink"], frozenset({"whenever"}))


def test_a_question_put_to_the_program_as_a_statement():
    from bot.text import asks_you

    assert asks_you("y'all got a morning class or it's only nights".split())
    assert asks_you("u guys take medicaid".split())
    assert not asks_you("you got me there".split()) and not asks_you("i got a morning class".split())
