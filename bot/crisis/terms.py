"""Crisis terms in other languages (data/safety/languages/crisis_terms.jsonl), for messages the English rules
cannot read: a term found in a message that is not mostly English, or a phrase of another language inside an English
one, asks the direct safety question."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy.lang
import srsly
import yaml
from spacy.lang.en.stop_words import STOP_WORDS

from bot import ROOT
from bot.text import COMMON_ENGLISH, looks_english

TERMS_FILE = ROOT / "data" / "safety" / "languages" / "crisis_terms.jsonl"
NLU_DIR = ROOT / "data" / "nlu"
# A message with at least this share of English words is read by the English rules alone. Over the blind crisis
# sets, messages wholly in another language have at most 0.36, English ones mostly 0.5 and more.
ENGLISH_SHARE = 0.5
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)")


# Swahili's most common words (spaCy has no Swahili); every other language's come with spaCy (lang/*/stop_words.py).
# Common words of languages spaCy has no stop-word list for, spoken by many US immigrant communities (and Welsh).
UNLISTED_LANGUAGES = {
    "sw": "na ya wa kwa ni la za katika hii huu hiyo hizo sana hapa pale lakini kama nini gani yangu wangu yako "
          "wako mimi wewe yeye sisi ninyi wao kuna sasa tu pia bado hata kila kwamba ili au hapana ndiyo sijui nifanye",
    "zu": "futhi kodwa ngoba manje kakhulu uma lapho yini ukuthi kanye noma ngicela angazi ngiyabonga yebo lokho "
          "lena kuphela namhlanje izolo mina wena yena thina bona ngempela njalo kuze khona kahle kusho",
    "xh": "kwaye kodwa ngoku kakhulu ukuba andazi enkosi ewe hayi mna wena ntoni kunye ngenxa namhlanje izolo "
          "kuba kufuneka ndiyabulela ndifuna ndiyacela apha phi",
    "ha": "amma domin saboda yanzu sosai kuma wannan wani wata nake yake ina yana tana suna gida don allah "
          "ban sani ita shi mun kun sun",
    "ig": "nke ndi ugbu ugbua mana obu anyi unu ihe nwanne biko daalu kedu maka ebe aga nwere enweghi",
    "so": "iyo laakiin waxaan waa ayaa hadda aad maxaa waxa wuxuu waxay haddii hooyo aabe waan kuma ayuu "
          "ayay iyada isaga anigu adiga fadlan mahadsanid",
    "ht": "mwen nou pou paske anpil tanpri kisa kijan kote konnen kounye fanmi avèk avek sèlman selman toujou "
          "pitit pwoblèm pwoblem bezwen vle",
    "rw": "kandi ariko cyane kuko ubu ndi nta murakoze ndashaka ndabizi ndakwinginze nyamuneka umuryango iri iyi "
          "uyu cyangwa ntabwo sinshaka nyuma mbere buri ukundi kubera",
    "ny": "ndipo koma chifukwa tsopano kwambiri ine iwe iye ife inu iwo ndili sindikudziwa zikomo chonde",
    "hmn": "kuv koj nws peb lawv thiab tab sis yog tsis muaj mus los rau hauv nrog ntawm cov tus lub ntawd hais tias "
           "yuav kom txog tam sim niaj hnub thov tsaug pab tsev neeg",
    "ku": "ez tu ew em hûn û ji bi li di ku ne min wî wê wan çi çima kengî îro îşev niha gelek pir jî dibêje dike "
          "naxwazim dixwazim ezê",
    "sm": "ou te le ua ma ia lou lo'u fa'amolemole fa'afetai lea nei aiga tele mea uma lava foi pe ae ona toe fia "
          "ai matou latou",
    "om": "ani ati inni isheen nuti isin isaan fi garuu akkam maal eessa yoom har'a amma baay'ee galatoomi maaloo "
          "hin kan kana sana",
    "wo": "dama dafa dañu maa ngi nga dina ak ci mu yow moom nun yeen ñoom jërëjëf waaw déedéet tey léegi",
    "ilo": "ti iti ken ngem daytoy dayta siak sika isuna datayo dakami kayo isuda saan wen agyamanak ania apay "
           "sadino kaano ita unay haan",
    "cy": "mae fy dy ei ein eich eu yr yn ac ond dw dwi ddim wedi mynd gyda nawr heddiw iawn diolch beth pam ble "
          "pryd ydy dydy roedd bydd fe hi nhw ni chi hefyd fod oedd neu",
    "uz": "men sen biz siz ular va bilan uchun lekin ham hech bu shu bor yo'q endi bugun kecha juda faqat narsa "
          "nima qanday iltimos rahmat emas edi deb kerak mumkin agar chunki",
    "jv": "aku kowe dheweke iki kuwi ora wis arep lagi karo ing saka kanggo banget piye kepiye saiki mau sesuk "
          "matur nuwun nggih mboten kula panjenengan",
}
# English as Caribbean and West African speakers write it ("mi sister inna Flatbush"): never another language.
ENGLISH_VARIETIES = frozenset("mi di dem seh nuh inna fi cyaan dat dis haffi pickney wah yuh unu deh mek nah".split())
OTHER_WORDS_NEEDED = 2  # words common in one other language, and at least this share of the message's words:
OTHER_SHARE = 0.12
MIN_LETTERS = 4  # a message in another script
# A message in a language without a list: at least this many different words of 3+ letters, under this share of
# them English, this share word-like.
# Over the development sets' messages and the NLU examples (51,600) this reads only messages in other languages.
UNLISTED, UNLISTED_MIN_WORDS, UNLISTED_ENGLISH, UNLISTED_WORDLIKE = "unlisted", 5, 0.15, 0.8
VOWELS = "aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿāēīōūăąęįųəɛɔ"
VOWEL = re.compile(f"[{VOWELS}]")
CONSONANT_RUN = re.compile(f"[^{VOWELS}']{{5,}}")


@dataclass(frozen=True)
class TermMatch:
    """A crisis term found in a message: its category, the words as found (normalized) and where they are."""

    category: str
    lang: str
    text: str
    start: int
    end: int


def normalized(text: str) -> str:
    """Composed, lower-case text with one apostrophe; Turkish dotted capital I lowered to a plain i."""
    text = unicodedata.normalize("NFC", text).replace("\u0130", "I").lower()
    return text.replace("\u2019", "'").replace("\u02bc", "'")


def term_pattern(term: str, match: str) -> str:
    """The regular expression for one term: whole words, the start of a word, or anywhere."""
    body = re.escape(normalized(term))
    if match == "substring":
        return body
    return rf"(?<!\w){body}" + ("" if match == "prefix" else r"(?!\w)")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """English as the assistant knows it: spaCy's stop words, the common words and the English NLU examples' words
    (out-of-scope examples include "ich verstehe nicht")."""
    words = set(STOP_WORDS) | COMMON_ENGLISH | ENGLISH_VARIETIES
    for path in sorted(NLU_DIR.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for example in ANNOTATION.sub(r"\1", str(block.get("examples", ""))).lower().splitlines():
                if looks_english(example):
                    words.update(WORD.findall(example))
    return frozenset(words)


def is_english(term: str, match: str) -> bool:
    """True for a term the English rules read already: English words, or the start of one ("suicid", "overdose")."""
    words = term.split()
    if match == "prefix" and len(words) == 1:
        return any(word.startswith(term) for word in english_words())
    return all(word in english_words() for word in words)


@lru_cache(maxsize=1)
def term_patterns() -> tuple[tuple[str, str, re.Pattern], ...]:
    """One compiled alternation per (category, language), longest terms first."""
    return compiled_terms(lambda term, match: not is_english(term, match))


@lru_cache(maxsize=1)
def phrase_patterns() -> tuple[tuple[str, str, re.Pattern], ...]:
    """The terms of two or more words, each with a word that is not English ("îl omor"): read in English too."""
    return compiled_terms(lambda term, match: match == "word" and len(term.split()) >= 2
                          and not is_english(term, match))


def compiled_terms(keep: Callable[[str, str], bool]) -> tuple[tuple[str, str, re.Pattern], ...]:
    """The terms `keep` (normalized term, match) accepts: one alternation per (category, language), longest first."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in srsly.read_jsonl(TERMS_FILE):
        if "term" in row and keep(normalized(row["term"]), row["match"]):
            groups.setdefault((row["category"], row["lang"]), []).append((row["term"], row["match"]))
    return tuple((category, lang, re.compile("|".join(term_pattern(t, m) for t, m in
                                                          sorted(terms, key=lambda tm: -len(tm[0])))))
                 for (category, lang), terms in sorted(groups.items()))


@lru_cache(maxsize=64)  # asked twice of a message with no signal: by find_crisis_term, then other_language
def mostly_english(text: str) -> bool:
    """True when at least ENGLISH_SHARE of the message's words are English ones."""
    words = WORD.findall(text.lower())
    return bool(words) and sum(word in english_words() for word in words) >= ENGLISH_SHARE * len(words)


def find_crisis_term(text: str) -> TermMatch | None:
    """The first crisis term of a message not mostly in English, or, in one that is, the first crisis phrase of
    another language ("Mâine îl omor, I swear"); None without one."""
    patterns = phrase_patterns() if mostly_english(text) else term_patterns()
    message = normalized(text)
    found = [TermMatch(category, lang, m.group(), m.start(), m.end())
             for category, lang, pattern in patterns if (m := pattern.search(message))]
    return min(found, key=lambda f: f.start) if found else None


def warm_up() -> None:
    """Read the English vocabulary and compile the terms now, not on the first message in another language."""
    english_words()
    term_patterns()
    phrase_patterns()
    common_words()


@lru_cache(maxsize=1)
def common_words() -> dict[str, frozenset[str]]:
    """Each language's common words that are not English ones, from spaCy's stop-word lists (no model)."""
    languages = {code: frozenset(normalized(w) for w in words.split()) - english_words()
                 for code, words in UNLISTED_LANGUAGES.items()}
    for path in sorted(Path(spacy.lang.__file__).parent.glob("*/stop_words.py")):
        code = path.parent.name
        if code in ("en", "xx"):
            continue
        namespace: dict = {}
        try:  # the list alone: importing spacy.lang.<code> would load its tokenizer's packages
            exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
            words = namespace["STOP_WORDS"]
        except Exception:  # a list that needs more than itself
            continue
        languages[code] = frozenset(normalized(w) for w in words if len(w) > 1) - english_words()
    return languages


def script_of(letter: str) -> str:
    """The script of a letter as Unicode names it ("LATIN", "THAI", "HEBREW", "CJK")."""
    return unicodedata.name(letter, "UNKNOWN").split()[0]


def other_language(text: str) -> str | None:
    """The language (or script) of a message the assistant cannot read: mostly letters of a script other than
    Latin, or words common in one other language; None for English, mixed English or garbled text."""
    scripts = [script_of(c) for c in text if c.isalpha()]
    foreign = [script for script in scripts if script != "LATIN"]
    if len(foreign) >= MIN_LETTERS and len(foreign) * 2 >= len(scripts):
        return max(set(foreign), key=foreign.count).lower()
    if mostly_english(text):
        return None
    words = WORD.findall(normalized(text))
    hits = {code: sum(word in common for word in words) for code, common in common_words().items()}
    best = max(hits, key=hits.get, default=None)
    if best and hits[best] >= OTHER_WORDS_NEEDED and hits[best] >= OTHER_SHARE * len(words):
        return best
    return UNLISTED if unlisted_language(words) else None


def unlisted_language(words: list[str]) -> bool:
    """True for words of a language with no list here (Shona, Quechua, Malagasy...): enough of them, hardly any
    English, and nearly all shaped like words (a vowel, no long run of consonants), unlike keyboard mashing."""
    words = [word for word in words if len(word) > 2]  # "na", "me", "no" are words of many languages
    if len(set(words)) < UNLISTED_MIN_WORDS:  # "word word word ..." is no language
        return False
    english = sum(word in english_words() for word in words)
    wordlike = sum(bool(VOWEL.search(word)) and not CONSONANT_RUN.search(word) for word in words)
    return english < UNLISTED_ENGLISH * len(words) and wordlike >= UNLISTED_WORDLIKE * len(words)
