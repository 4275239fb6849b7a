"""The learned net under the crisis rules (bot/crisis/net.py): it asks, it never raises the full response."""

from __future__ import annotations

import yaml

from bot.app.model import ROOT
from bot.crisis.assess import assess_crisis, learned_signal
from bot.crisis.net import EXAMPLES_FILE, NET_CHECK, NONE, net_reading, train


def test_the_net_learns_crisis_categories_from_examples():
    net = train({"overdose": ["he won't wake up and his lips are blue", "she's barely breathing after the pills"],
                 "self_harm": ["I cut again tonight and it won't stop bleeding", "burned my arm on purpose just now"]},
                ["I work full time", "my wife supports me", "evenings are best", "I have insurance",
                 "I drink most nights", "I tried outpatient before"])
    reading = net.read("my brother won't wake up, lips going blue")
    assert reading.category == "overdose" and reading.probability > 0.5
    assert net.read("I work full time and have insurance").probability < 0.5


def test_ordinary_intake_talk_gets_no_signal():
    for text in ("I work full time and my wife supports me", "evenings after six work best for me",
                 "I've been drinking every day and I want to stop", "my insurance is through my job"):
        assert learned_signal(text) is None, text


def test_the_nets_signal_is_uncertain_and_quotes_its_most_alarming_sentence():
    text = "I have Aetna through work. My roommate took way too many of her pills and she's gone all floppy and gray."
    reading = net_reading(text)
    assert reading is not None and reading.probability >= NET_CHECK
    signal = learned_signal(text)
    assert signal is not None and not signal.certain
    assert signal.text.startswith("My roommate") and text[signal.start:signal.end] == signal.text


def test_an_everyday_idiom_is_never_turned_into_a_question_by_the_net():
    assert assess_crisis("my boss is gonna kill me").signal is None


def test_the_final_crisis_sets_are_never_learned_from():
    header = EXAMPLES_FILE.read_text(encoding="utf-8").split("\n\n")[0]
    assert "dev" in header and "final" not in header.split("never from")[0]
    examples = yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8"))
    learned = {t for texts in examples["crisis"].values() for t in texts} | set(examples[NONE])
    for name in ("final_crisis.yml", "final_negatives.yml"):
        final = {item["text"] for item in yaml.safe_load((ROOT / "tests" / "data" / "crisis" / name).read_text())}
        assert not learned & final, name


def test_a_rule_match_the_net_reads_as_ordinary_talk_is_a_question_unless_told_as_now(monkeypatch):
    from bot.crisis import assess

    told_once = "In the novel I'm reading the heroine swallowed all her pills. Anyway I drink too much."
    told_now = "She swallowed all her pills just now and won't wake up."
    monkeypatch.setattr(assess, "net_probability", lambda message: assess.NET_DISAGREES / 2)
    assert not assess.assess_crisis(told_once).signal.certain
    assert assess.assess_crisis(told_now).signal.certain
    monkeypatch.setattr(assess, "net_probability", lambda message: assess.NET_DISAGREES)
    assert assess.assess_crisis(told_once).signal.certain


def test_a_rule_match_told_as_now_is_a_question_only_when_the_net_all_but_rules_it_out(monkeypatch):
    from bot.crisis import assess

    short_now = "she's unresponsive"
    monkeypatch.setattr(assess, "net_probability", lambda message: assess.NET_DISAGREES_NOW / 2)
    assert assess.assess_crisis(short_now).signal.certain  # too few words for the net to overrule
    told_now = "She swallowed all her pills just now and won't wake up, her lips look blue."
    assert not assess.assess_crisis(told_now).signal.certain
    monkeypatch.setattr(assess, "net_probability", lambda message: assess.NET_DISAGREES_NOW)
    assert assess.assess_crisis(told_now).signal.certain
