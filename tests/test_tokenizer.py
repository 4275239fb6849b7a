"""The chat tokenizer keeps shorthand symbols as words and otherwise tokenizes like Rasa's."""

import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from components.tokenizer import ChatTokenizer


def words(tokenizer, text):
    return [t.text for t in tokenizer.tokenize(Message({"text": text}), "text")]


@pytest.fixture(scope="module")
def chat():
    return ChatTokenizer(ChatTokenizer.get_default_config())


@pytest.mark.parametrize("text, expected", [
    ("iop $$?", ["iop", "dollars"]),
    ("$ for op", ["dollars", "for", "op"]),
    ("iop -> op, how?", ["iop", "to", "op", "how"]),
    ("cost w/ insurance", ["cost", "with", "insurance"]),
    ("w/o insurance", ["without", "insurance"]),
    ("iop & op", ["iop", "and", "op"]),
])
def test_symbols_become_words_in_place(chat, text, expected):
    assert words(chat, text) == expected


def test_amount_keeps_its_number_and_gains_dollars(chat):
    assert words(chat, "$500 a week?") == ["$500", "dollars", "a", "week"]


@pytest.mark.parametrize("text", [
    "how many hours a week is IOP", "24/7 care?", "w/insurance", "I drink 6 beers a day", "my email is a@b.co",
])
def test_text_without_shorthand_is_tokenized_as_rasa_does(chat, text):
    plain = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    assert words(chat, text) == words(plain, text)


def test_token_offsets_point_at_the_symbol(chat):
    token = chat.tokenize(Message({"text": "op $$ ?"}), "text")[1]
    assert (token.text, token.start, token.end) == ("dollars", 3, 5)
