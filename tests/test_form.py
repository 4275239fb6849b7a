"""One turn of the intake form: short answers in context, skips, re-asks, corrections."""

import pytest

from bot.clinical.criteria import UNKNOWN, asked_criteria
from bot.conversation.form import GIVE_UP_AFTER, give_up, read_turn, set_aside, times_in_a_row


def test_short_answer_is_read_in_the_context_of_the_question():
    turn = read_turn("court_ordered", "yep", "affirm", {}, {})
    assert turn.updates == {"court_ordered": "yes"}
    assert turn.unclear_turns == 0


def test_entities_from_the_nlu_are_kept_alongside_the_answer():
    turn = read_turn("severity", "moderate, and I have two kids", "inform", {}, {"commitments": ["caregiving"]})
    assert turn.updates["commitments"] == ["caregiving"]
    assert turn.updates["severity"] == "moderate"


def test_off_topic_message_with_no_answer_rejects_the_form_so_rules_can_answer():
    assert read_turn("home", "are you a bot?", "bot_challenge", {}, {}).rejected


def test_skip_on_a_non_essential_question_is_accepted():
    turn = read_turn("payment", "skip", "skip", {}, {})
    assert turn.updates == {"payment": UNKNOWN}


def test_dont_know_on_an_essential_question_is_asked_once_more_with_the_reason():
    first = read_turn("mental_health", "I don't know", "dont_know", {}, {})
    assert "mental_health" not in first.updates
    assert first.unclear_turns == 1
    assert "helps decide" in first.messages[0]
    second = read_turn("mental_health", "skip", "skip", {}, {}, unclear_turns=1)
    assert second.updates == {"mental_health": UNKNOWN}


def test_unclear_answer_is_re_asked_then_left_for_the_intake_team():
    first = read_turn("home", "purple monkey", "nlu_fallback", {}, {})
    assert first.unclear_turns == 1 and not first.updates and not first.rejected
    second = read_turn("home", "banana", "inform", {}, {}, unclear_turns=GIVE_UP_AFTER - 1)
    assert second.updates == {"home": UNKNOWN}
    assert second.unclear_turns == 0
    assert "move on" in second.messages[-1]


def test_correcting_an_earlier_answer_is_acknowledged():
    turn = read_turn("home", "actually I'm not working anymore", "inform", {"commitments": ["work"]},
                     {"commitments": ["none"]})
    assert turn.updates["commitments"] == ["none"]
    assert any("updated" in message for message in turn.messages)


def test_an_answer_to_one_question_does_not_overwrite_another_answer_unless_it_corrects_it():
    # "very bad hangover" answers the withdrawal question; it is not a new severity
    turn = read_turn("withdrawal", "cruda, very bad hangover, sweating, no seizure never", "inform",
                     {"severity": "moderate"}, {"severity": "severe"})
    assert "severity" not in turn.updates and not any("updated" in m for m in turn.messages)
    turn = read_turn("mental_health", "yes, ADHD and pretty bad depression sometimes", "inform",
                     {"severity": "moderate"}, {"severity": "severe", "mental_health": "yes"})
    assert turn.updates == {"mental_health": "yes"}
    # a criterion not answered yet is still filled from the same message
    turn = read_turn("withdrawal", "none, and I work full time", "inform", {"severity": "moderate"},
                     {"commitments": ["work"]})
    assert turn.updates["commitments"] == ["work"]
    # dangerous withdrawal always counts
    turn = read_turn("home", "stable, but I had a seizure last time I stopped", "inform", {"withdrawal": "mild"},
                     {"withdrawal": "dangerous", "home": "stable"})
    assert turn.updates["withdrawal"] == "dangerous"


def test_invalid_entity_values_are_dropped():
    assert read_turn("home", "stable", "inform", {}, {"severity": "extreme"}).updates == {"home": "stable"}


def test_severity_is_filled_once_frequency_and_impact_are_known():
    turn = read_turn("severity", "every day, and I lost my job over it", "inform", {},
                     {"use_frequency": "daily", "life_impact": "major"})
    assert turn.updates["severity"] == "severe"


def test_facility_question_only_when_residential_is_possible():
    assert "can_live_at_facility" not in asked_criteria({"severity": "moderate", "home": "stable"})
    assert "can_live_at_facility" in asked_criteria({"severity": "severe"})
    assert "can_live_at_facility" in asked_criteria({"home": "triggering"})


def test_extracted_only_criteria_are_never_asked():
    asked = asked_criteria({})
    assert "use_frequency" not in asked and "needs_supervision" not in asked


def test_garbled_or_foreign_answer_counts_as_unclear_so_the_form_never_loops():
    first = read_turn("home", "¿qué?", "out_of_scope", {}, {})
    assert not first.rejected and first.unclear_turns == 1
    assert "only read English" in first.messages[0]
    second = read_turn("home", "zzzz", "out_of_scope", {}, {}, unclear_turns=1)
    assert second.updates == {"home": UNKNOWN}


def test_a_message_that_answers_another_question_keeps_its_facts_and_counts_as_a_miss():
    turn = read_turn("severity", "oh and I have insurance", "inform", {}, {"payment": "insurance"})
    assert turn.updates == {"payment": "insurance"} and turn.unclear_turns == 1
    assert not turn.messages
    second = read_turn("severity", "my wife is on my side", "inform", {}, {"support": "strong"}, unclear_turns=1)
    assert second.updates == {"support": "strong", "severity": UNKNOWN} and "move on" in second.messages[-1]


def test_times_in_a_row_counts_the_trailing_asks_of_one_question():
    assert times_in_a_row([], "home") == 0
    assert times_in_a_row(["consent", "substances", "home"], "home") == 1
    assert times_in_a_row(["home", "home", "support", "home", "home"], "home") == 2
    assert times_in_a_row(["home", "support"], "home") == 0


def test_coming_back_to_a_question_asked_twice_leaves_it_for_the_intake_team():
    assert give_up("payment", ["substances", "payment"]) is None
    turn = give_up("payment", ["substances", "payment", "payment"])
    assert turn.updates == {"payment": UNKNOWN} and "move on" in turn.messages[-1]
    assert give_up("consent", ["consent", "consent"]) is None and give_up(None, ["home"] * 5) is None


def test_an_essential_question_asked_twice_is_set_aside_and_asked_again_last_never_three_times_in_a_row():
    answers = {"substances": "alcohol", "severity": "mild"}
    first = give_up("mental_health", ["substances", "mental_health", "mental_health"], answers)
    assert first.updates == {} and "come back" in first.messages[-1]
    assert set_aside(["mental_health", "mental_health", "home"], answers) == ["mental_health"]
    assert set_aside(["mental_health", "home", "mental_health"], answers) == []  # never twice in a row
    assert set_aside(["mental_health", "mental_health"], {**answers, "mental_health": "yes"}) == []
    # asked again last, twice more without an answer: now it is left for the intake team
    second = give_up("mental_health", ["mental_health", "mental_health", "home", "mental_health", "mental_health"],
                     answers)
    assert second.updates == {"mental_health": UNKNOWN}
    # nothing else left to ask: no point in setting it aside
    everything = {c: "x" for c in asked_criteria({})}
    del everything["mental_health"]
    turn = give_up("mental_health", ["mental_health", "mental_health"], everything)
    assert turn.updates == {"mental_health": UNKNOWN}


def test_a_second_unclear_reply_sets_an_essential_question_aside_when_the_form_knows_its_history():
    history = ["substances", "mental_health", "mental_health"]
    turn = read_turn("mental_health", "banana", "inform", {"substances": ["alcohol"]}, {"home": "stable"},
                     unclear_turns=GIVE_UP_AFTER - 1, asked_so_far=history)
    assert turn.updates == {"home": "stable"} and "come back" in turn.messages[-1] and turn.unclear_turns == 0
    skipped = read_turn("mental_health", "skip", "skip", {}, {}, unclear_turns=GIVE_UP_AFTER - 1, asked_so_far=history)
    assert skipped.updates == {"mental_health": UNKNOWN}  # "skip" is an answer, not a miss
    again = read_turn("mental_health", "banana", "inform", {}, {}, unclear_turns=GIVE_UP_AFTER - 1,
                      asked_so_far=history + ["home", "mental_health", "mental_health"])
    assert again.updates == {"mental_health": UNKNOWN} and "move on" in again.messages[-1]


def test_dangerous_withdrawal_mid_form_advises_detox_and_ends_the_questions():
    turn = read_turn("home", "I get the shakes and see things when I stop drinking", "inform", {},
                     {"withdrawal": "dangerous", "substances": ["alcohol"]})
    assert turn.finish
    assert "medically supervised detox" in turn.messages[0] and "911" in turn.messages[0]


def test_withdrawal_called_bad_is_dangerous_only_with_alcohol_benzos_or_a_dangerous_sign():
    from_opioids = read_turn("withdrawal", "bad but i've gotten through it", "inform", {"substances": ["opioids"]}, {})
    assert from_opioids.updates == {"withdrawal": "mild"} and not from_opioids.finish
    from_alcohol = read_turn("withdrawal", "bad but i've gotten through it", "inform", {"substances": ["alcohol"]}, {})
    assert from_alcohol.updates["withdrawal"] == "dangerous" and from_alcohol.finish
    seizure = read_turn("withdrawal", "bad, I had a seizure once", "inform", {"substances": ["opioids"]}, {})
    assert seizure.updates["withdrawal"] == "dangerous"
    # a substance the criteria do not name (GHB is "other") may be dangerous to stop; a clicked answer stays
    from_ghb = read_turn("withdrawal", "bad but i've gotten through it", "inform",
                         {"substances": ["stimulants", "other"]}, {})
    assert from_ghb.updates["withdrawal"] == "dangerous"
    clicked = read_turn("withdrawal", '/inform{"withdrawal": "dangerous"}', "inform", {"substances": ["opioids"]},
                        {"withdrawal": "dangerous"})
    assert clicked.updates["withdrawal"] == "dangerous" and clicked.finish


def test_a_message_the_form_cannot_use_gets_the_fitting_words():
    assert "don't have information" in read_turn("severity", "any virtual groups?", "nlu_fallback", {}, {}).messages[0]
    assert read_turn("severity", "hmm well", "nlu_fallback", {}, {}).messages[0] == "Sorry, I didn't quite follow that."
    assert "only read English" in read_turn("severity", "bebo mucho cada dia", "out_of_scope", {}, {}).messages[0]


@pytest.mark.parametrize("asked, text, value", [
    ("relapse", "n/a", "none"), ("withdrawal", "not applicable", "none"), ("mental_health", "fine", "no"),
])
def test_not_applicable_and_fine_are_answers(asked, text, value):
    assert read_turn(asked, text, "inform", {}, {}).updates == {asked: value}


def test_severity_is_derived_from_frequency_and_impact_only_after_the_question_went_unanswered():
    said_in_passing = read_turn("substances", "I drink every day and got a DUI", "inform", {}, {})
    assert "severity" not in said_in_passing.updates
    answers = {"severity": UNKNOWN, "use_frequency": "daily"}
    assert read_turn("home", "I lost my job over it", "inform", answers, {"life_impact": "major"}).updates.get(
        "severity") == "severe"


@pytest.mark.parametrize("asked, text, kept", [
    (None, "I have really bad anxiety and OCD", False),  # words in passing are no rating (dev8's first misses)
    ("mental_health", "yes, severe depression", False),  # about the depression, not the use
    ("withdrawal", "mild stuff, sweats and the shakes", False),
    (None, "my drug use is severe and I'm depressed", True),  # a plain rating when telling what brings them
    ("substances", "alcohol, and it's out of control", True),
    ("home", "actually, my drinking is moderate, not severe", True),  # a correction
    ("severity", "really bad", True),  # the answer to its own question
])
def test_severity_is_taken_only_as_a_rating(asked, text, kept):
    turn = read_turn(asked, text, "inform", {}, {"severity": "severe"})
    assert ("severity" in turn.updates) is kept, turn.updates


def test_a_substance_mentioned_later_is_added_not_swapped():
    """The eighth round: "the drinking and the smoking", then "my partner grows the weed" kept only cannabis."""
    turn = read_turn("consent", "It's just every night, and my partner grows the weed, so.", "inform",
                     {"substances": ["alcohol", "cannabis"]}, {"substances": ["cannabis"]})
    assert turn.updates["substances"] == ["alcohol", "cannabis"] and not turn.messages
    turn = read_turn("consent", "and some pills too", "inform", {"substances": ["alcohol"]},
                     {"substances": ["opioids"]})
    assert turn.updates["substances"] == ["alcohol", "opioids"]
    turn = read_turn("consent", "actually it's only weed", "inform", {"substances": ["alcohol"]},
                     {"substances": ["cannabis"]})
    assert turn.updates["substances"] == ["cannabis"]  # a correction replaces


@pytest.mark.parametrize("text, criterion", [
    ("the withdrawal part is wrong", "withdrawal"),
    ("wait, the withdrawal part is wrong", "withdrawal"),
    ("change my hours", "hours_available"),
    ("Oops, the insurance bit is wrong.", "payment"),
    ("you got the support wrong"[4:], None),  # "got the support wrong" is not a whole request
    ("i got the schedule wrong", "schedule"),
    ("substances: wrong", "substances"),
    ("fix the court part please", "court_ordered"),
])
def test_a_message_that_only_asks_to_change_an_answer_clears_it_to_ask_again(text, criterion):
    answers = {"withdrawal": "none", "hours_available": 6, "payment": "insurance", "schedule": "evenings",
               "substances": ["alcohol"], "court_ordered": "no", "support": "some"}
    turn = read_turn(None, text, "inform", answers, {})
    if criterion is None:
        assert not any(value is None for value in turn.updates.values())
    else:
        assert turn.updates == {criterion: None} and "again" in turn.messages[0]


def test_a_change_with_its_new_answer_is_read_as_the_correction():
    turn = read_turn(None, "the withdrawal part is wrong, I get mild shakes", "inform", {"withdrawal": "none"},
                     {"withdrawal": "mild"})  # what the NLU read
    assert turn.updates == {"withdrawal": "mild"}


def test_a_change_button_names_the_answer_to_ask_again():
    turn = read_turn(None, '/inform{"change_answer": "severity"}', "inform", {"severity": "mild"}, {},
                     change="severity")
    assert turn.updates == {"severity": None}
    assert read_turn(None, "x", "inform", {}, {}, change="use_frequency").updates == {}  # never asked: ignored


def test_while_consent_is_asked_a_new_fact_does_not_overwrite_an_answer_unless_it_corrects_it():
    answers = {"relapse": "multiple_relapses"}
    told = {"relapse": "recent_relapse"}
    assert read_turn(None, "he was using again within a month", "inform", answers, told,
                     keep_answers=True).updates == {}
    assert read_turn(None, "actually it was one relapse last week", "inform", answers, told,
                     keep_answers=True).updates == told
    assert read_turn(None, "I'm not working anymore, he relapsed last week", "inform", answers, told).updates == told


def test_a_substance_named_in_an_answer_about_ones_own_use_is_added_not_one_named_about_home():
    # the sixteenth persona round: the opening named one drug, the severity answer named the drink as well
    turn = read_turn("severity", "wine and pills every night, it's bad", "inform", {"substances": ["opioids"]},
                     {"substances": ["alcohol", "opioids"]})
    assert turn.updates["substances"] == ["opioids", "alcohol"] and turn.updates["severity"] == "severe"
    turn = read_turn("home", "my flatmate drinks every night", "inform", {"substances": ["opioids"]},
                     {"substances": ["alcohol"]})
    assert "substances" not in turn.updates
