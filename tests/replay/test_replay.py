"""One call through the form's turn logic and the placement (rule-layer parse; the trained NLU is in tests/e2e)."""

from bot.replay.calls import replay_call
from bot.replay.transcripts import Transcript, Turn


def call(*lines, disposition=None):
    turns = tuple(Turn("agent" if who == "A" else "caller", text, n)
                  for n, (who, text) in enumerate((line.split(": ", 1) for line in lines), start=1))
    return Transcript("call-1", "calls/call-1.txt", disposition, turns)


def test_a_short_answer_is_read_in_the_context_of_the_agents_question(parse):
    result = replay_call(call("A: Any treatment before?", "C: yeah, rehab, got out in march"), parse)
    assert result.criteria["recent_treatment"] == {"value": "residential_discharge", "turn": 2, "line": 2}
    assert result.turns[0]["asks_about"] == "recent_treatment"


def test_the_same_short_answer_means_nothing_without_the_question(parse):
    result = replay_call(call("A: Thanks for calling.", "C: yeah, rehab, got out in march"), parse)
    assert "recent_treatment" not in result.criteria


def test_short_answers_follow_whichever_question_came_before(parse):
    result = replay_call(call("A: Any depression or anxiety?", "C: no", "A: Is this court ordered?", "C: yep",
                              "A: Are mornings or evenings better?", "C: evenings", "A: How many hours a week?",
                              "C: like 12"), parse)
    values = {key: found["value"] for key, found in result.criteria.items()}
    assert values == {"mental_health": "no", "court_ordered": "yes", "schedule": "evenings", "hours_available": 12}


def test_a_plain_yes_takes_the_value_the_question_named(parse):
    result = replay_call(call("A: Are you working right now?", "C: yes", "A: Any seizures when you stop drinking?",
                              "C: yeah"), parse)
    assert result.criteria["commitments"]["value"] == ["work"]
    assert result.criteria["withdrawal"]["value"] == "dangerous"
    assert result.level == "withdrawal_management"


def test_an_answer_is_not_reused_for_the_callers_next_words(parse):
    result = replay_call(call("A: Any depression?", "C: no", "C: no but my brother does"), parse)
    assert result.criteria["mental_health"]["turn"] == 2


def test_crisis_turn_is_flagged_with_its_turn_and_category_and_recommends_crisis_services(parse):
    result = replay_call(call("A: What's going on?", "C: I drink every day",
                              "A: How are you holding up?", "C: I want to kill myself tonight", disposition="crisis"),
                         parse)
    assert result.crisis == [{"turn": 4, "line": 4, "category": "suicide", "text": "I want to kill myself tonight"}]
    assert result.level == "crisis" and result.agrees is True
    assert result.turns[3]["crisis"] == "suicide"


def test_agent_words_are_never_read_as_the_callers_crisis_or_facts(parse):
    result = replay_call(call("A: Are you having any thoughts of killing yourself? Do you drink every day?",
                              "C: no, neither"), parse)
    assert result.crisis == [] and result.level != "crisis"
    assert "use_frequency" not in result.criteria


def test_recommendation_missing_and_reasons_come_from_the_placement_module(parse):
    result = replay_call(call("A: How bad is it?", "C: moderate", "A: Any treatment before?", "C: no"), parse,)
    assert result.level == "iop"
    assert result.recommendation["type"] == "recommendation"
    assert "R5 IOP: moderate addiction" in [r["rule"] for r in result.recommendation["reasons"]]
    assert "withdrawal" in result.missing and "support" in result.unanswered


def test_agreement_with_the_disposition(parse):
    assert replay_call(call("A: How bad is it?", "C: mild", disposition="op"), parse).agrees is True
    assert replay_call(call("A: How bad is it?", "C: moderate", disposition="op"), parse).agrees is False
    assert replay_call(call("A: How bad is it?", "C: moderate"), parse).agrees is None


def test_names_phones_emails_and_dates_of_birth_are_redacted_everywhere_in_the_call(parse):
    result = replay_call(call("A: Hi, this is Dana. Who am I speaking with?", "C: my name is Marcus Reed",
                              "A: Thanks Marcus. Best number?", "C: 555-201-7788 or marcus.reed@example.com",
                              "A: Date of birth?", "C: DOB 04/12/1986", "A: How bad is it, Marcus?",
                              "C: honestly I want to die, Dana"), parse)
    text = str(result.to_dict())
    for secret in ("Marcus", "Reed", "Dana", "201-7788", "example.com", "1986"):
        assert secret not in text
    assert result.turns[2]["text"] == "Thanks [NAME]. Best number?"
    assert result.crisis[0]["text"] == "honestly I want to die, [NAME]"
