"""Tests for identifier redaction (bot/records/redact.py)."""

import time

import pytest

from bot.records.redact import PLACEHOLDERS, redact

EMAILS = ["john.smith@gmail.com", "j_smith+intake@example.org", "MARIA.G@Hospital.co.uk", "a1@b-c.io"]
PHONES = ["555-123-4567", "(555) 123-4567", "555.123.4567", "+1 555 123 4567", "5551234567", "1-555-123-4567",
          "(555)123-4567", "555 123 4567", "+1 (555) 123-4567", "555-123-4567 ext. 22"]
HELP_LINES = ["988", "911", "1-800-662-4357", "1 800 662 4357", "(800) 662-4357", "800-662-4357", "18006624357"]


@pytest.mark.parametrize("email", EMAILS)
def test_emails(email):
    assert redact(f"you can email me at {email} anytime") == "you can email me at [EMAIL] anytime"


@pytest.mark.parametrize("phone", PHONES)
def test_phone_numbers(phone):
    assert redact(f"my cell is {phone}, text first") == "my cell is [PHONE], text first"


@pytest.mark.parametrize("number", HELP_LINES)
def test_help_lines_are_kept(number):
    text = f"they told me to call {number} if it gets bad"
    assert redact(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("DOB 03/14/1988", "DOB [DOB]"),
    ("DOB: 3/14/88", "DOB: [DOB]"),
    ("d.o.b. 14th of March 1988", "d.o.b. [DOB]"),
    ("Date of birth: 1988-03-14", "Date of birth: [DOB]"),
    ("I was born on March 14, 1988 in Ohio", "I was born on [DOB] in Ohio"),
    ("born 3-14-88", "born [DOB]"),
    ("my birthday is 3/14/88", "my birthday is [DOB]"),
    ("my bday is march 14th", "my bday is [DOB]"),
    ("3/14/88 is my birthday", "[DOB] is my birthday"),
    ("March 14 1988 (DOB)", "[DOB] (DOB)"),
    ("I'm 34, born in March 1990", "I'm 34, born in [DOB]"),
    ("birthdate 12.01.1975", "birthdate [DOB]"),
])
def test_dates_of_birth(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "my sobriety date is 3/14/2020", "my intake is on 4/2", "I relapsed on March 3rd", "I was born and raised in Ohio",
    "I've been sober since 2019-06-01", "my court date is May 5, 2025",
])
def test_other_dates_are_kept(text):
    assert redact(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("I live at 123 Main St", "I live at [ADDRESS]"),
    ("4567 Oak Avenue Apt 2", "[ADDRESS]"),
    ("4567 Oak Avenue Apt 2, Springfield, IL 62704 is my place", "[ADDRESS] is my place"),
    ("mail it to 12 W 42nd St #5", "mail it to [ADDRESS]"),
    ("we're at 900 North Lake Shore Drive", "we're at [ADDRESS]"),
    ("i live at 88 elm street apt 3b", "i live at [ADDRESS]"),
    ("my address is 7 maple rd", "my address is [ADDRESS]"),
    ("send it to PO Box 123", "send it to [ADDRESS]"),
    ("P.O. Box 77, please", "[ADDRESS], please"),
])
def test_street_addresses(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("my name is John Smith and I drink daily", "my name is [NAME] and I drink daily"),
    ("my name is sarah", "my name is [NAME]"),
    ("My name's Maria Garcia-Lopez.", "My name's [NAME]."),
    ("Name: Patrick O'Brien", "Name: [NAME]"),
    ("patient name: jane doe", "patient name: [NAME]"),
    ("Hi, I'm Sarah", "Hi, I'm [NAME]"),
    ("I am DeShawn Williams", "I am [NAME]"),
    ("I'm Sarah's mom", "I'm [NAME]'s mom"),
    ("this is Mike", "this is [NAME]"),
    ("call me Jim", "call me [NAME]"),
    ("you can call me jimmy", "you can call me [NAME]"),
    ("Agent: Hi, this is Sarah from intake", "Agent: Hi, this is [NAME] from intake"),
    ("Caller: yeah this is Dr. Patel's office", "Caller: yeah this is Dr. [NAME]'s office"),
    ("my wife Jenny drives me to group", "my wife [NAME] drives me to group"),
    ("my sponsor, Dave, said to call", "my sponsor, [NAME], said to call"),
    ("my son named Jake is 6", "my son named [NAME] is 6"),
    ("I see Dr. Nguyen on Fridays", "I see Dr. [NAME] on Fridays"),
    ("I'm José Martínez", "I'm [NAME]"),
    ("my name is zoë", "my name is [NAME]"),
    ("this is Élodie from the clinic", "this is [NAME] from the clinic"),
])
def test_names_after_cues(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "I'm Okay", "I'm Sober", "I'm Here", "I'm 34", "I'm Not sure", "I am Ready to start", "This is Amazing",
    "this is IOP right?", "call me back tomorrow", "call me at night", "my name is not important",
    "I like name-brand vodka", "I'm So tired", "I'm Married with kids",
])
def test_common_words_after_cues_are_kept(text):
    assert redact(text) == text


@pytest.mark.parametrize("text", [
    "I drink vodka daily", "IOP 3 days a week", "I'm 34", "I take 20 mg of methadone twice a day",
    "I've been sober 90 days", "blood alcohol was .08", "I drink 12 beers a day, 7 days a week",
    "I walked 2 blocks down the road", "I'm staying at 2 of my friends place", "PHQ-9 score 14, GAD-7 11",
    "3/4 of my friends drink", "my A1C is 6.5", "I spend $1500 a month on pills", "ASAM level 2.1",
    "there's only 1 way out of this", "I was in rehab in 2019 for 28 days",
])
def test_clinical_content_is_kept(text):
    assert redact(text) == text


def test_a_full_transcript():
    text = ("Agent: Hi, this is Sarah from intake. Can I get your name and date of birth?\n"
            "Caller: Yeah, my name is John Smith, DOB 03/14/1988. I live at 4567 Oak Avenue Apt 2.\n"
            "Caller: Best number is (555) 123-4567 or john.smith@gmail.com. I drink vodka daily.\n"
            "Agent: Thanks. If it gets bad, call 988 or 1-800-662-4357.")
    assert redact(text) == (
        "Agent: Hi, this is [NAME] from intake. Can I get your name and date of birth?\n"
        "Caller: Yeah, my name is [NAME], DOB [DOB]. I live at [ADDRESS].\n"
        "Caller: Best number is [PHONE] or [EMAIL]. I drink vodka daily.\n"
        "Agent: Thanks. If it gets bad, call 988 or 1-800-662-4357.")


IDEMPOTENCE_CASES = [
    "Hi, this is Sarah, DOB 03/14/1988, call me at (555) 123-4567",
    "Caller: yeah this is Dr. Patel's office, 123 Main St, Springfield, IL 62704",
    "my name is john smith and my email is js@x.com", "I'm Sarah's mom, born March 14, 1988",
    "[NAME] [PHONE] [EMAIL] [DOB] [ADDRESS]", "my name is [NAME]", "call me [NAME] at [PHONE]",
    *EMAILS, *PHONES, *HELP_LINES,
]


@pytest.mark.parametrize("text", IDEMPOTENCE_CASES)
def test_idempotent(text):
    once = redact(text)
    assert redact(once) == once


def test_placeholders_survive():
    text = " ".join(PLACEHOLDERS)
    assert redact(text) == text


@pytest.mark.parametrize("value", ["", " ", "\n", "🙂", "<script>alert(1)</script>", "名字是李雷"])
def test_odd_strings(value):
    assert redact(value) == value


@pytest.mark.parametrize(("value", "expected"), [
    (None, ""), (5551234567, "[PHONE]"), (b"call 555-123-4567", "call [PHONE]"), (3.5, "3.5"),
    (["my name is Sam"], "['my name is [NAME]']"), (b"\xff\xfe", "\ufffd\ufffd"),
])
def test_non_strings_do_not_crash(value, expected):
    assert redact(value) == expected


@pytest.mark.parametrize("text", [
    "a" * 200_000, "1" * 200_000, "my name is " * 20_000, "I live at 123 " * 20_000, "born " * 40_000,
    "x@y" * 50_000, "1-" * 100_000, "this is Aaaa Bbbb " * 10_000, "3/3/" * 50_000,
])
def test_huge_input_is_fast(text):
    start = time.perf_counter()
    out = redact(text)
    assert isinstance(out, str)
    assert time.perf_counter() - start < 2.0


def test_names_in_counselor_notes_after_common_cues():
    note = "Spoke with Maria Lopez; called Maria back. Client John Smith, her mother Ana Ruiz. Per Dana, IOP."
    redacted = redact(note)
    for name in ("Maria", "Lopez", "John", "Smith", "Ana", "Ruiz", "Dana"):
        assert name not in redacted
    assert "IOP" in redacted and redact("called Monday, client prefers IOP on Suboxone") == (
        "called Monday, client prefers IOP on Suboxone")
