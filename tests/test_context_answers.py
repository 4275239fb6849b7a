"""Answers read with the pending question's vocabulary (bot.conversation.context_answers), and through extract_facts."""

import pytest

from bot.conversation.context_answers import context_value, hours_from
from bot.conversation.extract import extract_facts


@pytest.mark.parametrize("criterion, text, value", [
    ("home", "roomie parties a lot, theres always stuff around", "triggering"),
    ("home", "it's just me and my kids, nobody uses there", "stable"),
    ("home", "couch surfing at my cousins rn", "unstable"),
    ("support", "my wife, my sponsor and my home group", "strong"),
    ("support", "my mom sort of, it's tense", "strained"),
    ("support", "nobody really", "none"),
    ("support", "gf mostly", "some"),
    ("relapse", "ive quit like 4 or 5 times, always go back", "multiple_relapses"),
    ("relapse", "I stopped for about two weeks and picked back up last weekend", "recent_relapse"),
    ("relapse", "worried id just go back", "at_risk"),
    ("severity", "it's more of a habit, not that bad", "mild"),
    ("severity", "it's getting out of hand, messing with work", "moderate"),
    ("withdrawal", "get the sweats if i skip a day", "mild"),
    ("withdrawal", "no shaking, no sweating", "none"),
    ("withdrawal", "ended up in the hospital with a seizure last time", "dangerous"),
])
def test_the_pending_question_s_vocabulary(criterion, text, value):
    assert context_value(criterion, text) == value


@pytest.mark.parametrize("text, hours", [
    ("3 nights a week, 2-3 hours", 9),
    ("an hour or two", 2),
    ("maybe 3 evenings a week for like 3 hours", 9),
    ("all day, any day", 40),
    ("any time", 40),
    ("one evening a week for an hour", 1),
    ("like 5-6 hours weekdays", 30),
    ("10", 10),
    # the twelfth persona round's: a weekly total said outright, then the sessions that make it up; tens in words;
    # a number settled on in words; zero
    ("Five hours a week, so two evenings, two and a half hours each", 5),
    ("twelve a week. mon wed fri, four hours each", 12),
    ("I could do forty-five hours, I'm free all day", 45),
    ("Honestly not sure. Three, maybe five? Let's go with four.", 4),
    ("Zero, not one hour with the harvest on", 0),
    # the thirteenth round's: days named with a clock span or hours each, "ours", "so N" and "that's N" (the last
    # one said), hours a month, blocks of hours
    ("Tuesday and Friday, 5 to 8", 6),
    ("mon thru thurs, 2 ours a day", 8),
    ("weekdays from 10 to 1", 15),
    ("three ours a night, two nights, so six", 6),
    ("That's 30. Actually call it 24.", 24),
    ("about 20 hours a month", 5),
    ("two 4-hour blocks a week", 8),
    ("4 blocks of 2", 8),
    ("3-4 nights", 12),
    ("Up to 8, if it's not Fridays.", None),  # a day named alone is no count of sessions (read as 8 elsewhere)
    # the fourteenth persona round's: a number alone or as a cap after a vague amount, halves, an explicit number
    # beside open availability
    ("a few hours, probably 4", 4),
    ("Twelve. Could be four sessions of three-plus hours.", 12),
    ("three afternoons, two and a half hours each", 7),
    ("Couple of mornings, an hour and a half each.", 3),
    ("Two hours, four tops.", 4),
    ("Half an hour, three times a week.", 1),
    ("whatever you need, but 20 with my shifts", 20),
])
def test_hours_from_an_availability_answer(text, hours):
    assert hours_from(text) == hours


def test_only_when_the_question_is_pending_and_the_patterns_found_nothing():
    assert not [f for f in extract_facts("roomie parties a lot") if f.criterion == "home"]
    facts = extract_facts("roomie parties a lot, theres always stuff around", asked="home")
    assert [(f.criterion, f.value) for f in facts] == [("home", "triggering")]
    assert not [f for f in extract_facts("is the program at night?", asked="home") if f.criterion == "home"]


# ---------------------------------------------------------------- answers read with their qualifiers



def read(text: str, asked: str) -> list:
    return [f.value for f in extract_facts(text, asked=asked) if f.criterion == asked]


@pytest.mark.parametrize("text, asked, values", [
    ("I'm an apprentice electrician", "commitments", ["work"]),
    ("nursing school and waitressing", "commitments", ["school", "work"]),
    ("full time student", "commitments", ["school"]),
    ("I'm home with my 2 year old", "commitments", ["caregiving"]),
    ("nothing now, I lost my construction job", "commitments", ["none"]),
    ("no relapse, but I worry", "relapse", ["at_risk"]),
    ("relapsed more times than i can count", "relapse", ["multiple_relapses"]),
    ("I quit for about ten days last month and went right back", "relapse", ["recent_relapse"]),
    ("my sister kinda but we fight about it", "support", ["strained"]),
    ("n/a", "relapse", ["none"]),
    ("qiuet house", "home", ["stable"]),
    ("relasped 2 wks ago", "relapse", ["recent_relapse"]),
    ("daytmie", "schedule", ["daytime"]),
    ("like a 5 outta 10", "severity", ["moderate"]),
    ("I could do school hours, so like 5 hours a day, five days", "hours_available", [25]),
    ("once a week", "hours_available", [3]),
    ("1-2", "hours_available", [2]),
])
def test_replies_are_read_with_the_pending_question_s_vocabulary(text, asked, values):
    assert sorted(map(str, read(text, asked))) == sorted(map(str, values))


@pytest.mark.parametrize("text, values", [
    # the twelfth persona round's: "full-time" beside caregiving or school says how much, not a job; leave, a job
    # left, "nothing else"; grown children; a thesis; a shop
    ("Caring for my mother. It's full-time.", {"caregiving"}),
    ("full-time grad student, that's all", {"school"}),
    ("Looking after my dad. I'm on medical leave from my job.", {"caregiving"}),
    ("Just my son now. I left my job in March.", {"caregiving"}),
    ("Work, sixty hours a week. Nothing else on my plate.", {"work"}),
    ("My job. My kids are teenagers, they don't need me around much.", {"work"}),
    ("Writing my thesis and teaching two adjunct sections.", {"school", "work"}),
    ("The salon, six days a week.", {"work"}),
])
def test_commitments_named_in_an_answer(text, values):
    facts = extract_facts(text, asked="commitments")
    assert {f.value for f in facts if f.criterion == "commitments"} == values



@pytest.mark.parametrize("asked, text, value", [
    # the thirteenth persona round's: a dependence told with a no is no "none" (asked again); a sign denied after
    # it; a vague home is no stable one; a partner named in another language; a question back in plain words
    ("withdrawal", "I can't function without it, honestly", None),
    ("withdrawal", "Seizures never, sweats yes", "mild"),
    ("home", "home is kind of complicated right now", "triggering"),
    (None, "my esposo drinks every night at home", "triggering"),
    ("relapse", "Class have interpreter every week?", None),
])
def test_answers_of_the_thirteenth_persona_round(asked, text, value):
    criterion = asked or "home"
    found = {f.value for f in extract_facts(text, asked=asked) if f.criterion == criterion}
    assert found == ({value} if value else set())
