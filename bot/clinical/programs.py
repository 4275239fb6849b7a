"""What each level of care looks like week to week, with the sources behind each figure."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

NOT_IN_SOURCES = "not stated in our source documents; the program will tell you"


@dataclass(frozen=True)
class Program:
    """The outline of one level of care."""

    level: str
    name: str
    days_per_week: str
    hours_per_week: str
    session_length: str
    typical_length: str
    setting: str
    sources: tuple[str, ...]
    differences: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """A JSON-ready dict of this outline."""
        data = asdict(self)
        data["sources"] = list(self.sources)
        data["differences"] = list(self.differences)
        return data


PROGRAMS: dict[str, Program] = {
    "op": Program(
        level="op",
        name="Outpatient program (OP)",
        days_per_week="1 to 2 days a week at first, tapering to 1 or 2 sessions a month as you get stronger",
        hours_per_week="about 1 to 2 hours a week (weekly or every other week)",
        session_length="an hour to a few hours",
        typical_length="can continue as long as it helps, often as part of a relapse-prevention plan",
        setting="you live at home and keep work, school and family life",
        sources=("000", "001", "003", "004"),
        differences=("003 describes OP sessions as a few times a week; 000, 001 and 004 as once or twice a week.",),
    ),
    "iop": Program(
        level="iop",
        name="Intensive outpatient program (IOP)",
        days_per_week="3 to 5 days a week, usually on weekday mornings or evenings",
        hours_per_week="9 to 20 hours a week",
        session_length="2 to 4 hours a session, up to 4 or more hours a day (the documents differ: 000, 001, 004)",
        typical_length="up to about 90 days, until you have a solid recovery footing",
        setting="you live at home and can keep working or studying; most programs include drug testing",
        sources=("000", "001", "002", "004"),
        differences=("Session length differs between programs: 2-4 hours (000), 3-4 hours (001), "
                     "at least 4 hours a day (004).",),
    ),
    "php": Program(
        level="php",
        name="Partial hospitalization program (PHP)",
        days_per_week="5 to 7 days a week",
        hours_per_week="30 hours or more a week",
        session_length="at least 6 hours a day",
        typical_length=NOT_IN_SOURCES,
        setting="you go home at night; the most structured option that still lets you live at home",
        sources=("004",),
    ),
    "residential": Program(
        level="residential",
        name="Residential (inpatient) treatment",
        days_per_week="every day: you live at the facility",
        hours_per_week="round-the-clock care",
        session_length="a full daily schedule of therapy",
        typical_length=NOT_IN_SOURCES,
        setting="you live at the facility, with meals, housing and access to medical care",
        sources=("002", "003", "004"),
    ),
    "withdrawal_management": Program(
        level="withdrawal_management",
        name="Medically supervised withdrawal management (detox)",
        days_per_week="every day, under medical supervision",
        hours_per_week="round-the-clock medical care while withdrawal is managed",
        session_length="not applicable",
        typical_length=NOT_IN_SOURCES + "; an outpatient or residential program follows",
        setting="a medical setting, before starting an IOP or other program",
        sources=("000",),
    ),
}


def program_for(level: str) -> Program | None:
    """The outline for a level of care, or None for levels without one (crisis)."""
    return PROGRAMS.get(level)


LEVEL_WORDS = (
    ("php", r"\bphp\b|partial hospitali[sz]ation"),
    ("iop", r"\biop\b|intensive outpatient"),
    ("residential", r"\bresidential\b|\binpatient\b|\brehab\b"),
    ("withdrawal_management", r"\bdetox\b|withdrawal management"),
    ("op", r"\bop\b|outpatient"),
)


def level_named_in(text: str) -> str | None:
    """The level of care a message names ("what would IOP look like?"), if any."""
    lowered = text.lower()
    for level, pattern in LEVEL_WORDS:
        if re.search(pattern, lowered):
            return level
    return None
