"""Message text as the rule pipelines read it: cut to a length, invalid characters and HTML tags blanked,
quotes straightened. Every change keeps the length, so offsets still point into the original message."""

from __future__ import annotations

import re

TAG = re.compile(r"<[^<>]{0,300}>")
# Lone surrogates (not encodable), C0/C1 controls other than tab and newlines, and the noncharacters.
INVALID = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def clean_text(text: object, max_chars: int) -> str:
    """The message cut to `max_chars`, invalid code points and HTML tags blanked, curly quotes straightened."""
    if not isinstance(text, str):
        return ""
    text = INVALID.sub(" ", text[:max_chars])
    text = TAG.sub(lambda m: " " * len(m.group()), text)
    return text.replace("\u2019", "'").replace("\u2018", "'")
