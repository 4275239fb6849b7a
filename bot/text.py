"""Message text as the rule readers see it, and the word lists they share.

Cleaning: cut to a length, invalid characters and HTML tags blanked, quotes straightened; every change
keeps the length, so offsets still point into the original message.

The text rules of the fact reader (`bot/conversation/nlp.py`, `extract.py`), the crisis reader (`bot/crisis/assess.py`),
the knowledge search (`bot/clinical/knowledge.py`) and the form's short answers start from the word lists below.
Where a reader needs more, it adds to them in its own module and says why there:
- the fact reader also breaks clauses at "so", "since", "plus", "also" (facts come in runs: "I drink daily,
  so my wife...") and at a new line; "nowhere" also negates ("nowhere to live" is not a home);
- the crisis reader also negates with "denies", "denied", "deny", "w/o" (clinical denials), breaks a
  clause at "and", "so", "or" when a subject follows, and counts "whenever" as a question word but not
  "what's" (its questions are read per sentence);
- the knowledge search takes "any" / "anything" first as a question ("any evening groups?").

Three readers ask "is this a question?" for different ends, and differ on purpose:
- `knowledge.looks_like_question` (a whole message, to route it to the FAQ) is broad: any "?", a request
  ("tell me about"), an auxiliary and its subject after a comma ("I work days, can I do IOP");
- `extract.is_question` (does a reply to the pending intake question ask back?) is narrow: a question word
  or an auxiliary first, as answers are often said as questions ("mild, I think?");
- `assess.is_question` (one sentence of a crisis message: is it a general question?) reads per sentence.
"""

from __future__ import annotations

import re

NEGATION_WORDS = frozenset({"not", "no", "never", "without", "nobody", "noone", "none", "nothing", "neither", "nor"})
SENTENCE_PUNCT = frozenset({".", "!", "?", "…", "?!", "!?", "??", "!!"})
CLAUSE_PUNCT = SENTENCE_PUNCT | {",", ";", ":", "(", ")", "—", "–"}
CLAUSE_WORDS = frozenset({"but", "though", "although", "however", "except", "because", "cause", "cuz", "whereas",
                          "while", "yet", "unless", "tho", "otherwise", "then"})
SUBJECT_WORDS = frozenset({"i", "my", "we", "our", "he", "she", "they", "it", "its", "im", "there", "that"})
WH_WORDS = frozenset({"how", "what", "what's", "whats", "why", "when", "where", "which", "who"})
AUX_WORDS = frozenset({"is", "are", "do", "does", "can", "could", "will", "would", "should", "did", "am"})
# A subject right after a question word makes a clause, not a question: "when I was using I missed shifts".
CLAUSE_SUBJECTS = frozenset({"i", "im", "i'm", "ive", "i've", "id", "i'd", "me", "my", "we", "he", "she", "they", "it",
                             "hes", "shes", "theyre"})
# A sentence ends at a run of . ! ? followed by a space or the end ("2.5 hours" stays whole), or at a line break.
SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?]+(?=[^\s.!?]))+[.!?]*")

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
# Words that mark a message as a correction of something said before ("actually it's more moderate").
CORRECTION = re.compile(
    r"\b(actually|i meant|i mean|meant to say|correction|to correct|scratch that|that'?s wrong|is wrong|"
    r"not right|change (?:my|the|that)|update (?:my|the|that)|i said|let me fix|instead|rather|more like)\b",
    re.IGNORECASE,
)


def is_correction(text: str) -> bool:
    """True when the message says it corrects an earlier answer."""
    return bool(CORRECTION.search(text or ""))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of the text starts and ends, spaces trimmed ("Live there? No." -> (0, 11), (12, 15))."""
    spans = []
    for match in SENTENCE.finditer(text):
        body = match.group()
        if body.strip():
            start = match.start() + len(body) - len(body.lstrip())
            spans.append((start, match.start() + len(body.rstrip())))
    return spans


def sentences(text: str) -> list[str]:
    """The text's sentences, spaces trimmed."""
    return [text[start:end] for start, end in sentence_spans(text)]


def opens_clause(words: list[str], wh_words: frozenset[str] = WH_WORDS) -> bool:
    """True when lower-case `words` start with a question word that opens a clause: "when I was using ..."."""
    return len(words) > 1 and words[0] in wh_words and words[1] in CLAUSE_SUBJECTS


YOU_OPENERS = frozenset({"you", "u", "ya", "y'all", "yall", "youse"})
YOU_VERBS = frozenset({"got", "have", "offer", "run", "take", "accept", "do", "does", "provide", "help"})
NOT_ASKED = frozenset({"me", "to", "my", "it", "that", "this", "him", "her", "them", "no", "nothing"})


def asks_you(words: list[str]) -> bool:
    """True for a question put as a statement to the program: "y'all got a morning class", "u guys take medicaid"
    (lower-case words); not "you got me there"."""
    words = [w for i, w in enumerate(words) if not (i == 1 and w in ("guys", "all", "folks"))]
    return len(words) > 2 and words[0] in YOU_OPENERS and words[1] in YOU_VERBS and words[2] not in NOT_ASKED


def looks_english(text: str) -> bool:
    """False for a message in another script, or of three or more words none of which is common English."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(bool(LATIN_LETTER.match(c)) for c in letters) < 0.8 * len(letters):
        return False
    words = re.findall(r"[a-z']+", text.lower())
    return len(words) < 3 or any(word in COMMON_ENGLISH for word in words)


NEGATED_REACH = re.compile(r"[.,;:!?]|\bbut\b")  # a negation reaches to the end of its clause
def marked(text: str) -> str:
    """The text with every word a negation governs marked ("not crazy bad" -> "not not_crazy not_bad"), so
    the classifier tells "not severe" from "severe" (negation marking, as in sentiment analysis)."""
    words, negated = [], False
    for token in re.findall(r"[\w']+|[^\w\s]", text.lower().replace("\u2019", "'")):
        if NEGATED_REACH.fullmatch(token):
            negated = False
        elif negated:
            token = "not_" + token
        words.append(token)
        if token in NEGATION_WORDS or token.endswith("n't") or (token.endswith("nt") and token[:-1] in CONTRACTED):
            negated = True
    return " ".join(words)


CONTRACTED = frozenset({"don", "doesn", "didn", "isn", "wasn", "aren", "weren", "haven", "hasn", "hadn", "won",
                        "wouldn", "couldn", "shouldn", "can", "ain"})  # "dont", "wouldnt" typed without the apostrophe
