"""The crisis numbers are the same wherever the assistant says them: domain, channels, widget, redaction."""

import re

from bot.app.model import ROOT

# name -> the only way it is written; every file below that names the service must use exactly this
NUMBERS = {
    "SAMHSA": "1-800-662-4357",
    "Domestic Violence": "1-800-799-7233",
    "Childhelp": "1-800-422-4453",
}
FILES = ("domain.yml", "components/channels.py", "bot/web/static/widget.js", "bot/records/redact.py",
         "bot/clinical/placement.py", "bot/clinical/messages.py")
TOLL_FREE = re.compile(r"1[-. ]?8\d\d[-. ]?\d{3}[-. ]?\d{4}")


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def test_every_toll_free_number_is_one_of_the_crisis_lines():
    allowed = {digits(number) for number in NUMBERS.values()}
    for name in FILES:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert {digits(found) for found in TOLL_FREE.findall(text)} <= allowed, name


def test_988_and_911_and_samhsa_are_in_every_crisis_reply():
    domain = (ROOT / "domain.yml").read_text(encoding="utf-8")
    crisis = domain[domain.index("  utter_crisis:"):domain.index("  utter_crisis_followup:")]
    for number in ("988", "911", NUMBERS["SAMHSA"]):
        assert number in crisis
    for name in ("components/channels.py", "bot/web/static/widget.js"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "988" in text and "911" in text, name
