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


COMMON_ENGLISH = frozenset(
    "i i'm im my me a an the and or but no not yes yeah is are was were am been it its it's to of in on for with at "
    "be do does did don't dont have has had that this what how when why who which can could would will should you "
    "your so just like fine ok okay good bad any some all there about from by as if than too very really much many "
    "more only also he she they we him her them his our their get got go any week day days hours work job drink "
    "drinking use using program help need want know think still now never always time home family kids".split())
LATIN_LETTER = re.compile(r"[a-z]", re.IGNORECASE)


def looks_english(text: str) -> bool:
    """False for a message in another script, or of three or more words none of which is common English."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(bool(LATIN_LETTER.match(c)) for c in letters) < 0.8 * len(letters):
        return False
    words = re.findall(r"[a-z']+", text.lower())
    return len(words) < 3 or any(word in COMMON_ENGLISH for word in words)
