"""Rasa tokenizer: the whitespace tokenizer, keeping the meaning of chat shorthand symbols.

Rasa's WhitespaceTokenizer drops "$" and "->" and leaves "w/" as "w", so "iop $$?" reaches the
classifiers as just "iop". Here such symbols become the word they stand for, at their place in
the text, so "$" reads as "dollars" in training and at prediction alike.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.shorthand import SYMBOLS, symbol_word


def symbol_tokens(text: str) -> List[Token]:
    """One token per shorthand symbol in `text`, with the word it stands for."""
    return [Token(symbol_word(m.group()), m.start(), m.end()) for m in SYMBOLS.finditer(text)]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class ChatTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer plus shorthand symbols read as words (bot.shorthand)."""

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        """Whitespace tokens, with symbol tokens in place of what the symbols left behind."""
        tokens = super().tokenize(message, attribute)
        symbols = symbol_tokens(message.get(attribute) or "")
        if not symbols:
            return tokens
        kept = [t for t in tokens if not any(s.start <= t.start and t.end <= s.end for s in symbols)]
        return sorted(kept + symbols, key=lambda t: t.start)
