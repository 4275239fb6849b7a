"""Chat shorthand symbols and the words they stand for ("iop $$?" asks what IOP costs)."""

from __future__ import annotations

import re

SYMBOL_WORDS = {"$": "dollars", "->": "to", "→": "to", "w/": "with", "w/o": "without", "&": "and", "+": "and"}
SYMBOLS = re.compile(r"\$+|->|→|(?<!\w)w/o?(?=\s|$)|(?<=\s)[&+](?=\s)", re.IGNORECASE)


def symbol_word(symbol: str) -> str:
    """The word a shorthand symbol matched by SYMBOLS stands for ("$$" -> "dollars")."""
    symbol = symbol.lower()
    return SYMBOL_WORDS["$"] if symbol.startswith("$") else SYMBOL_WORDS[symbol]


def spell_out(text: str) -> str:
    """The text with each shorthand symbol replaced by its word, spaced apart."""
    return SYMBOLS.sub(lambda m: f" {symbol_word(m.group())} ", text)
