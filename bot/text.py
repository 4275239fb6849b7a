"""Message text as the rule pipelines read it: cut to a length, HTML tags blanked, quotes straightened."""

from __future__ import annotations

import re

TAG = re.compile(r"<[^<>]{0,300}>")


def clean_text(text: object, max_chars: int) -> str:
    """The message cut to `max_chars`, HTML tags blanked and curly quotes straightened (offsets kept)."""
    if not isinstance(text, str):
        return ""
    text = TAG.sub(lambda m: " " * len(m.group()), text[:max_chars])
    return text.replace("\u2019", "'").replace("\u2018", "'")
