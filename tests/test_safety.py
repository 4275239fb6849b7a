"""Tests for the rule-based crisis detector (bot/crisis/assess.py, data/safety/*.jsonl)."""

import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.crisis import assess as safety
from bot.crisis.assess import (
    CATEGORIES,
    SEVERITY,
    CrisisSignal,
    assess_crisis,
    build_safety_pipeline,
    detect_crisis,
    load_safety_pipeline,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CRISIS = yaml.safe_load((DATA / "crisis_messages.yml").read_text(encoding="utf-8"))
NEAR_MISSES = yaml.safe_load((DATA / "near_misses.yml").read_text(encoding="utf-8"))
MIN_CATEGORY_ACCURACY = 0.90
MAX_NEAR_MISS_RATE = 0.05


@pytest.fixture(scope="module")
def nlp():
    """One in-memory pipeline for the whole module."""
    return build_safety_pipeline()


def category_of(nlp, text):
    """The detected category, or None."""
    signal = detect_crisis(text, nlp=nlp)
    return signal.category if signal else None


# ---------------------------------------------------------------- the test sets


def test_test_sets_are_big_enough():
    counts = Counter(item["category"] for item in CRISIS)
    assert len(CRISIS) >= 70 and len(NEAR_MISSES) >= 70
    assert set(counts) <= set(CATEGORIES) and len(counts) >= 6
    assert min(counts.values()) >= 8, counts
    assert len({item["text"] for item in CRISIS}) == len(CRISIS)
    assert len(set(NEAR_MISSES)) == len(NEAR_MISSES)


def test_every_crisis_message_is_caught_with_the_right_category(nlp, record_property):
    found = [(item, detect_crisis(item["text"], nlp=nlp)) for item in CRISIS]
    missed = [item["text"] for item, signal in found if signal is None]
    wrong = [(item["text"], item["category"], signal.category) for item, signal in found
             if signal is not None and signal.category != item["category"]]
    accuracy = 1 - len(wrong) / len(CRISIS)
    record_property("crisis_recall", 1 - len(missed) / len(CRISIS))
    record_property("category_accuracy", accuracy)
    print(f"\ncrisis recall {len(CRISIS) - len(missed)}/{len(CRISIS)}, category accuracy {accuracy:.1%}")
    assert not missed, f"missed crises: {missed}"
    assert accuracy >= MIN_CATEGORY_ACCURACY, f"category accuracy {accuracy:.1%}; wrong: {wrong}"


def test_near_misses_rarely_trigger(nlp, record_property):
    triggered = [(text, signal) for text in NEAR_MISSES if (signal := detect_crisis(text, nlp=nlp)) is not None]
    rate = len(triggered) / len(NEAR_MISSES)
    record_property("near_miss_rate", rate)
    print(f"\nnear-miss trigger rate {len(triggered)}/{len(NEAR_MISSES)} = {rate:.1%}")
    assert rate <= MAX_NEAR_MISS_RATE, f"near misses that triggered: {triggered}"


# ---------------------------------------------------------------- the brief's cases, one by one


@pytest.mark.parametrize(("text", "category"), [
    ("I want to kill myself", "suicide"),
    ("I don't want to wake up tomorrow", "suicide"),
    ("I'm thinking about ending it all", "suicide"),
    ("everyone would be better off without me", "suicide"),
    ("I have a plan to end my life", "suicide"),
    ("I wrote goodbye letters", "suicide"),
    ("i wanna die", "suicide"),
    ("kms", "suicide"),
    ("unalive myself", "suicide"),
    ("I've been cutting again", "self_harm"),
    ("I want to hurt myself", "self_harm"),
    ("burning myself", "self_harm"),
    ("took all my pills an hour ago", "overdose"),
    ("I think I overdosed", "overdose"),
    ("I just took a whole bottle of xanax", "overdose"),
    ("my friend isn't breathing after using", "overdose"),
    ("he OD'd and won't wake up", "overdose"),
    ("I'm having a seizure", "medical_emergency"),
    ("chest pain and can't breathe", "medical_emergency"),
    ("she's unresponsive", "medical_emergency"),
    ("he's turning blue", "medical_emergency"),
    ("my heart is racing and I'm going to pass out", "medical_emergency"),
    ("I stopped drinking two days ago and now I'm shaking and seeing things", "dangerous_withdrawal"),
    ("I'm having DTs", "dangerous_withdrawal"),
    ("I'm hallucinating since I quit the benzos", "dangerous_withdrawal"),
    ("having seizures since I stopped drinking", "dangerous_withdrawal"),
    ("I'm going to hurt someone", "danger_to_others"),
    ("I want to kill him", "danger_to_others"),
    ("I'm going to kill my husband", "danger_to_others"),
])
def test_brief_crisis_examples(nlp, text, category):
    assert category_of(nlp, text) == category


@pytest.mark.parametrize("text", [
    "I'm dying to know how long IOP is", "this paperwork is killing me", "I'd kill for a coffee",
    "my feet are killing me", "I nearly died laughing", "that joke killed", "dead tired", "I'm dead serious",
    "my brother overdosed years ago, that's why I'm sober",
    "I attempted suicide years ago but I'm in a good place now", "I used to cut as a teenager",
    "I had a seizure once years ago when I quit drinking", "I'm not suicidal", "I have never wanted to hurt myself",
    "no thoughts of self harm", "I don't want to die, I want to get better", "what happens if someone overdoses?",
    "do you treat people who self harm?", "is detox dangerous?", "I get the shakes in the morning when I stop drinking",
])
def test_brief_near_misses(nlp, text):
    assert detect_crisis(text, nlp=nlp) is None


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize("text", [
    "I'm not suicidal", "I'm no longer suicidal", "I would never hurt myself", "I'd never hurt my kids",
    "I'm not going to hurt anyone", "never had suicidal thoughts", "I haven't cut myself in two years",
    "I don't want to die", "I've never overdosed", "I'm not having chest pain", "I don't have DTs",
    "no suicidal or homicidal thoughts", "I don't think I'm overdosing", "not gonna lie, I'm not suicidal",
    "I stopped cutting", "suicidal thoughts: no", "self harm? never.", "I'm not hearing voices or anything",
])
def test_negations_cancel(nlp, text):
    assert detect_crisis(text, nlp=nlp) is None


@pytest.mark.parametrize(("text", "category"), [
    ("I don't want to live anymore", "suicide"),  # the negation is part of the wording
    ("I have no reason to live", "suicide"),
    ("I don't have any reason to live", "suicide"),
    ("nobody would miss me", "suicide"),
    ("he isn't breathing", "medical_emergency"),
    ("I can't stop thinking about killing myself", "suicide"),  # "can't stop" does not negate
    ("I'm not okay, I want to die", "suicide"),  # the negation is in another clause
    ("I'm not suicidal but I want to die sometimes", "suicide"),
    ("No I want to kill myself", "suicide"),  # an interjection, not a negation
    ("not gonna lie I want to die", "suicide"),
    ("I'm not sure I want to be alive anymore", "suicide"),  # a hedge is not a negation
])
def test_negation_is_scoped(nlp, text, category):
    assert category_of(nlp, text) == category


@pytest.mark.parametrize("text", [
    "I'm dying to know", "I'm dying for a cigarette", "my mom is going to kill me", "I want to take my life back",
    "I need to cut back", "I'm killing it at work", "I almost had a heart attack when I saw the bill",
    "I'm going to shoot myself in the foot", "I want to end it with my boyfriend", "I cut myself shaving",
    "I'm going to hurt her feelings", "I want to kill the cravings", "I'm going to beat this addiction",
    "I took too much time off work", "I don't want to wake up early for group", "I'd die for my kids",
    "I drove 50 kms to get here",
])
def test_idioms_are_not_crises(nlp, text):
    assert detect_crisis(text, nlp=nlp) is None


@pytest.mark.parametrize("text", [
    "I overdosed years ago", "I used to cut myself", "when I was a teen I tried to kill myself",
    "back in 2019 I overdosed", "once, a long time ago, I thought about suicide", "I have a history of self harm",
    "Years ago, I tried to kill myself", "I've had DTs before", "I had a seizure last week",
    "I get seizures when I stop drinking", "my uncle overdosed in 2018", "I attempted suicide twice in my twenties",
])
def test_past_events_are_history(nlp, text):
    assert detect_crisis(text, nlp=nlp) is None


@pytest.mark.parametrize(("text", "category"), [
    ("I used to cut, and I've been cutting again", "self_harm"),
    ("I overdosed years ago and I just took too much again", "overdose"),
    ("I had a seizure an hour ago", "medical_emergency"),
    ("I just had a seizure", "medical_emergency"),
    ("I tried to kill myself last night", "suicide"),
    ("I keep thinking about killing myself", "suicide"),
    ("I've been having seizures since yesterday", "medical_emergency"),
])
def test_now_cues_make_it_current(nlp, text, category):
    assert category_of(nlp, text) == category


@pytest.mark.parametrize("text", [
    "what happens if someone overdoses?", "do you treat people who self harm?", "is detox dangerous?",
    "can alcohol withdrawal seizures kill you?", "how long do the DTs usually last?",
    "Do you take patients with suicidal thoughts?", "what if I relapse and overdose?",
    "what happens if I have a seizure during detox?", "Does IOP help with urges to self harm?",
])
def test_generic_questions_are_not_crises(nlp, text):
    assert detect_crisis(text, nlp=nlp) is None


@pytest.mark.parametrize(("text", "category"), [
    ("is it normal to want to die?", "suicide"),
    ("am I having DTs?", "dangerous_withdrawal"),
    ("what should I do I took too much?", "overdose"),
    ("can you help me I want to die", "suicide"),
    ("should I call 911? he's not breathing", "medical_emergency"),
])
def test_first_person_questions_are_crises(nlp, text, category):
    assert category_of(nlp, text) == category


def test_severity_picks_the_most_serious(nlp):
    assert category_of(nlp, "I've been cutting and now I want to kill myself") == "suicide"
    assert category_of(nlp, "I'm going to hurt him and then I took all my pills") == "overdose"
    assert SEVERITY[0] == "suicide" and set(SEVERITY) == set(CATEGORIES) | {safety.UNSPECIFIED, safety.OTHER_LANGUAGE}


def test_context_sets_the_category(nlp):
    assert category_of(nlp, "I'm having a seizure") == "medical_emergency"
    assert category_of(nlp, "I'm having a seizure since I stopped drinking") == "dangerous_withdrawal"
    assert category_of(nlp, "she's unresponsive") == "medical_emergency"
    assert category_of(nlp, "she's unresponsive after using") == "overdose"


# ---------------------------------------------------------------- the signal and odd input


def test_signal_evidence_points_into_the_message(nlp):
    text = "ok so... I took all my pills an hour ago"
    signal = detect_crisis(text, nlp=nlp)
    assert isinstance(signal, CrisisSignal)
    assert signal.category == "overdose"
    assert text[signal.start:signal.end] == signal.text == "took all my pills"


def test_evidence_starts_at_a_word(nlp):
    signal = detect_crisis("I don’t want to wake up tomorrow", nlp=nlp)
    assert signal.text.startswith("don’t want")


@pytest.mark.parametrize("text", [
    "", "   ", "\n\n", "?", "🙂", "a" * 20_000, "word " * 4_000, "<script>alert('x')</script>",
    "\x00\x01\x02", "😢😢😢",
])
def test_odd_input_returns_none(nlp, text):
    assert detect_crisis(text, nlp=nlp) is None


@pytest.mark.parametrize("text", ["Ich habe heute keine Zeit.", "Necesito información sobre el programa",
                                  "我想了解一下治疗项目"])
def test_a_message_the_rules_cannot_read_gets_the_safety_question_not_silence(nlp, text):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and signal.category == "other_language" and not signal.certain


@pytest.mark.parametrize("value", [None, 42, 3.5, b"kill myself", ["kill myself"], {"text": "kms"}])
def test_non_strings_return_none(nlp, value):
    assert detect_crisis(value, nlp=nlp) is None


def test_huge_message_with_a_crisis_at_the_end(nlp):
    text = "I drink most nights. " * 900 + "I want to kill myself"
    assert len(text) < safety.MAX_CHARS
    assert category_of(nlp, text) == "suicide"


def test_markup_around_a_crisis_is_ignored(nlp):
    assert category_of(nlp, "<b>I want to kill myself</b>") == "suicide"
    assert category_of(nlp, "<script>kill myself</script>") == "suicide"  # tags are blanked, words kept


def test_a_failing_pipeline_is_an_uncertain_signal_not_safe():
    def broken(text):
        raise RuntimeError("boom")
    signal = detect_crisis("I want to kill myself", nlp=broken)
    assert signal is not None and not signal.certain and signal.category == safety.UNSPECIFIED


@pytest.mark.parametrize("text", [
    "I want to kill myself\ud800", "\udcffI took all my pills an hour ago", "kms\x00\ufffe"])
def test_invalid_characters_do_not_hide_a_crisis(nlp, text):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and signal.certain


@pytest.mark.parametrize("text, category", [
    ("I can't do this anymore", "suicide"),
    ("i'm ready to go. just tired of fighting", "suicide"),
    ("gave my dog to my neighbor, won't be needing him", "suicide"),
    ("he would hurt me if I told anyone", "danger_at_home"),
    # the broad net (data/safety/broad_net.jsonl)
    ("my husband says he wishes he was dead", "suicide"),
    ("honestly i dont really want to be alive anymore", "suicide"),
    ("i picture steering into oncoming traffic on the way to work", "suicide"),
    ("my dads revolver is in my lap", "suicide"),
    ("scratched my wrists raw again tonight", "self_harm"),
    ("took 4 times my normal amount", "overdose"),
    ("hes making a gurgly snoring sound", "overdose"),
    ("I'm hiding in the closet", "danger_at_home"),
])
def test_ambiguous_wording_is_an_uncertain_signal(nlp, text, category):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and not signal.certain and signal.category == category


@pytest.mark.parametrize("text, category", [
    ("bought a gun today, I know what I'm going to do with it", "suicide"),
    ("my husband is seizing after he stopped drinking", "dangerous_withdrawal"),
    ("took more than usual, can't keep my eyes open, breathing feels slow", "overdose"),
    ("he took a bunch of pills and his lips are turning blue", "overdose"),
    ("my dad did coke and now he's grabbing his chest", "medical_emergency"),
    ("my boyfriend choked me last night and he's home drinking again", "danger_at_home"),
    ("I'm hiding in the bathroom, he says he's going to kill me", "danger_at_home"),
    ("piece is loaded and I know where he lives", "danger_to_others"),
    ("hearing voices that aren't there since I stopped drinking", "dangerous_withdrawal"),
])
def test_clinical_categories_are_caught_with_certainty(nlp, text, category):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and signal.certain and signal.category == category, signal


@pytest.mark.parametrize("text", [
    "when I'm drunk I get into fights at the bar",
    "when im high i get these thoughts of stabbing people",
])
def test_a_statement_opening_with_when_is_not_a_question(nlp, text):
    assert safety.is_question(nlp(text), (0, len(nlp(text)))) is False


# ---------------------------------------------------------------- pipeline and patterns


def test_load_safety_pipeline_is_memoised():
    assert load_safety_pipeline() is load_safety_pipeline()
    assert detect_crisis("kms") == detect_crisis("kms", nlp=load_safety_pipeline())


def test_nothing_is_built_at_import():
    code = "import bot.crisis.assess as s; print(s.load_safety_pipeline.cache_info().currsize)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"


def test_pattern_files_are_well_formed():
    known = {"neg", "was", "habit", "now", "recent", "wd", "drug", "to_od", "to_wd", "unsure", *safety.MESSAGE_CONTEXTS}
    labels = Counter()
    lines = [line for path in safety.pattern_files() for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(safety.pattern_files()) >= 9
    for line in lines:
        entry = json.loads(line)
        if "pattern" not in entry:
            continue
        assert entry["label"] in CATEGORIES or entry["label"] == safety.CUE_LABEL
        _, flags = safety.parse_id(entry["id"])
        assert flags <= known, entry["id"]
        labels[entry["label"]] += 1
    assert all(labels[category] for category in CATEGORIES)


def test_median_time_per_call(nlp, record_property):
    texts = [item["text"] for item in CRISIS] + NEAR_MISSES
    times = []
    for text in texts:
        start = time.perf_counter()
        detect_crisis(text, nlp=nlp)
        times.append(time.perf_counter() - start)
    median_ms = statistics.median(times) * 1000
    record_property("median_ms", median_ms)
    print(f"\nmedian detect_crisis time {median_ms:.2f} ms over {len(texts)} messages")
    assert median_ms < 50


@pytest.mark.parametrize("text", [
    "my mom would kill me if she knew", "my feet are killing me", "the food was to die for",
    "my phone is about to die", "overdid it at the gym",
])
def test_everyday_idioms_are_not_crises(nlp, text):
    assert detect_crisis(text, nlp=nlp) is None


@pytest.mark.parametrize("text", [
    "I want the cravings to die down", "I want to stop drinking before it kills me",
    "I'm scared I'll die if I keep drinking like this", "I want to know if people die in detox",
    "last spring I stopped and had a seizure two days later", "I want to keep living at home during treatment",
    "cut my finger at work", "I want to be around for my kids",
])
def test_the_broad_net_leaves_ordinary_talk_alone(nlp, text):
    assert detect_crisis(text, nlp=nlp) is None


def test_no_answer_of_the_development_personas_raises_the_full_crisis_response(nlp):
    personas = []
    for path in sorted((ROOT / "tests" / "data" / "personas").glob("dev*/*.yml")):
        personas += yaml.safe_load(path.read_text(encoding="utf-8"))
    # A person with dangerous withdrawal describes it when asked (in the conversation that answers the pending
    # question; said out of the blue it may well be a crisis), so those answers are left out here.
    texts = [str(t) for p in personas for key, says in p["say"].items()
             if not (key == "withdrawal" and p["facts"]["withdrawal"] == "dangerous") for t in says]
    texts += [str(t) for p in personas for t in [*p["opening"], *p["vague"].values()]]
    texts += [str(o["text"]) for p in personas for o in p["over_answers"]
              if not ("withdrawal" in o["covers"] and p["facts"]["withdrawal"] == "dangerous")]
    assert len(texts) > 4000
    # Only a rule match can give the full response: the messages with none are set aside in one batch first.
    texts = sorted(set(texts))
    docs = nlp.pipe(safety.clean_text(t, safety.MAX_CHARS) for t in texts)
    matched = [t for t, doc in zip(texts, docs, strict=True)
               if any(span.label_ in safety.CATEGORIES for span in doc.spans[safety.SPANS_KEY])]
    alarms = [t for t in matched if (signal := detect_crisis(t, nlp=nlp)) and signal.certain]
    assert alarms == []


@pytest.mark.parametrize("text, category", [
    # idiom cues cancelled where the words mean it
    ("what i need is for the thoughts about dying to stop", "suicide"),
    ("my friend sent me a pic of her arm all cut up", "self_harm"),
    ("stopped the klonopin. everything is moving", "dangerous_withdrawal"),
    # dev5's misses at its first measurement (it was the final set then)
    ("got my dads pistol out of the safe. loaded. its on my lap", "suicide"),
    ("burned my arm with a lighter like 10 min ago, its blistering up", "self_harm"),
    ("had a few shots and a handful of xans, getting hard to keep my eyes open", "overdose"),
    ("my uncle fall down and he not wake up, I shake him but nothing", "medical_emergency"),
    # the final set's rule misses at its first measurement (docs/safety.md), fixed by class
    ("if i take all my dads heart meds with a fifth of vodka would that do it", "suicide"),
    ("Friday. that's the date. after friday none of this matters", "suicide"),
    ("Im tired of being a weight for my family, soon they will be free of me", "suicide"),
    ("my best friend gave me all his stuff today and asked me to take care of his cat, like forever", "suicide"),
    ("roommate just seized, he's been trying to quit vodka on his own since saturday", "dangerous_withdrawal"),
    ("I ran out of my ativan 4 days ago and now I keep blacking out and twitching", "dangerous_withdrawal"),
    ("cocaine daily. btw my chest has been hurting real bad for the last hour", "medical_emergency"),
    ("she keeps pulling at invisible things. she stopped drinking yesterday", "dangerous_withdrawal"),
    # the second final set's misses at its first measurement
    ("I am very heavy for my family, I am only problem for them. Better I disappear for always.", "suicide"),
    ("someone at this party is burning up, skin is hot and dry, she took molly", "medical_emergency"),
    ("now hes passed out drunk with the stove on and the baby alone in the tub", "danger_at_home"),
    # the fourth round's set (r4): misses at its first measurement, fixed by class
    ("some nights i lie there hoping my heart just stops in my sleep", "suicide"),
    ("my girlfriend just told me she wishes the pills had worked last time", "suicide"),
    ("ngl the only thing keeping me from doing it is my dog and he's getting old", "suicide"),
    ("i have enough of my moms oxy saved up. been counting them", "suicide"),
    ("there's nothing left for me to stick around for tbh", "suicide"),
    ("every morning im disappointed i woke up", "suicide"),
    ("i have the razor out. trying to talk myself out of it", "suicide"),
    ("sry kinda distracted, just burned myself on the stove on purpose and its blistering up bad", "self_harm"),
    ("threw up what looks like coffee grounds, kinda a lot", "medical_emergency"),
    ("cant feel the right side of my body", "medical_emergency"),
    ("grandma ran out of her ativan, shes agitated, seeing kids in the yard that aren't there", "dangerous_withdrawal"),
    ("had a fit this morning, day 2 of no drinking. im alone and i feel another one coming", "dangerous_withdrawal"),
    ("my husband is on the bathroom floor, breathing maybe 4 times a minute, pupils tiny", "overdose"),
    ("mom took her whole bottle of ambien with wine", "overdose"),
    ("im so close to hurting my baby, she won't stop screaming and i'm shaking", "danger_to_others"),
    ("My brother is high on meth and he's headed over there with a machete", "danger_to_others"),
    ("my husband just put his hands on my throat because i said i wanted to go to detox", "danger_at_home"),
    # the fifth round's set: misses at its first measurement, fixed by class
    ("gonna take all my meds w the vodka once my wife leaves for work tmrw", "suicide"),
    ("roommates cutting in her room right now i can hear her, what do i do", "self_harm"),
    ("nag-cut ako ulit kanina, ang dami ng dugo. idk if i need stiches", "self_harm"),
    ("mi novia se está cortando los brazos ahora mismo, she lock the door", "self_harm"),
    ("holding the blade rn", "self_harm"),
])
def test_caught_in_the_words_people_use(nlp, text, category):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and signal.category == category


@pytest.mark.parametrize("text", [
    "monday mornings make me want to die lmao", "my manager is a nightmare, i swear i'm gonna strangle him lol",
    "yes. doing it now. the lighter's still in my hand",
    "My roommate handed me her car keys and said she's walking to the train tracks after her shift",
    # r4: signs that ask the safety question (a date picked, a place scouted, a calm decision, a burden)
    "picked the date. it's after my daughter's graduation so i don't ruin it for her",
    "I already know which overpass, I've driven past it to check",
    "i feel at peace now. finally made my decision. dont need the intake anymore",
    "I'm so tired of being the reason everyone is miserable",
    "alcohol, about 2 bottles of wine a night. doesnt matter much, it won't be a problem for much longer",
    "Sorry, he's home early and already broke the tv, I'm scared what he'll do",
    "loaded it. waiting for him to get off work",
    # r5: signs that ask the safety question
    "i feel weirdly at peace now that i made my decision",
    "thanks for trying. tell whoever reads this it wasnt their fault",
    "parked up at the quarry. just wanted to tell someone first",
    "for the support question: nobody. which is why i decided sunday is the day",
    "keep picturing shaking the baby when she wont stop crying. i dont trust myself alone with her right now",
    "hiding at the gas station from my partner, he tracks my phone and hes driving around looking for me",
    "my husband fell while drunk, big bump on his head, now his speech is worse and he won't stay awake",
    # thoughts told in the perfect, with no time: since when is asked, not assumed to be now
    "Depression since college. I've had thoughts of suicide, no plan.",
])
def test_jokes_and_uncertain_signs_get_the_safety_question_not_the_full_response(nlp, text):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and not signal.certain


@pytest.mark.parametrize("text", [
    "old self-harm scars on my arms, haven't cut since high school",
    "said goodbye to my drinking buddies, told them i'm out",
    "my spot at the sober house fell through and I don't know where I'm going to stay",
    "More like standing at the edge of the pool with one toe in.",
    "I had the DTs two years ago. Hallucinating, sweating buckets, didn't know my own name.",
    "When I stopped cold turkey last time I shook so hard I couldn't stand. They called it delirium tremens.",
    "i dont wanna live somewhere, no",
    "I'm safe at home, no one is hurting me", "no seizures or hallucinations, just some sweating",
    "My wife kicked me out and my foreman is running my jobs.",
    "When I stop drinking I see things, like animals on the wall, and shaking very bad. Is scary.",
    # r4's full responses on hard negatives at its first measurement
    "I'm cutting my brother off until he gets clean, can't keep doing this",
    "overwhelmed. work, kids, bills, and the drinking on top of all of it",
    "my brother has been pretty depressed since losing his job, he's not talking about hurting himself but i'm worried",
    # and what the new patterns must leave alone
    "I burned myself on the stove making dinner", "I set a quit date for next monday",
    "I'm sorry for everything I put my family through", "I have enough money saved up to pay myself",
    # the fifth round's personas: withdrawal history with a duration, and fear of a seizure to come
    "Had a seizure on a job site last month when I hadn't had a drink in two days.",
    "I had a seizure on the job when I didn't drink for two days.",
    "Will someone help me come off the Xanax safely? I'm scared of another seizure.",
    # r5's full responses on hard negatives at its first measurement
    "i could shoot myself for missing the intake call yesterday, can we reschedule",
    "line cook, we always joke the kitchen will kill us before the booze does",
    "I'll take all my meds with food tomorrow", "someone cut in line at the pharmacy",
    # the sixth round's development personas
    "I try to reduce, but the craving is very strong, I am afraid to go back to more",
    # a stop that is only wished for, conditional or denied is no planned stop
    "I want to stop. Last time I quit I had a seizure.", "I'm not going cold turkey, I had a seizure the last time",
    "I quit cold turkey last year and had a seizure",
])
def test_history_goodbyes_to_a_habit_and_everyday_words_are_not_crises(nlp, text):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is None or not signal.certain


@pytest.mark.parametrize("text", [
    "is detox from alcohol dangerous? like can you have seizures from it",  # a question after a filler word
    "can I still come if I've self harmed in the past",
])
def test_questions_about_the_past_or_in_general_are_not_crises(nlp, text):
    assert detect_crisis(text, nlp=nlp) is None


def test_every_crisis_category_has_a_name_for_counselors():
    from bot.clinical.levels import CRISIS_LABELS
    from bot.crisis.assess import CATEGORIES, OTHER_LANGUAGE, UNSPECIFIED

    assert set(CRISIS_LABELS) == {*CATEGORIES, UNSPECIFIED, OTHER_LANGUAGE}


@pytest.mark.parametrize("text", [
    "im stopping tonight. i drink a handle a day and last time i quit like this i had a seizure within a day",
    "going cold turkey tomorrow, i had DTs the last time",
    "im quitting xanax cold turkey today, had a seizure in 2019 when i ran out",
])
def test_a_stop_planned_now_after_past_seizures_or_dts_is_dangerous_withdrawal(nlp, text):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and signal.certain and signal.category == "dangerous_withdrawal"


@pytest.mark.parametrize("text, category", [
    # the sixth round's first misses, fixed by class
    ("my poop is black and i get super dizzy when i stand up", "medical_emergency"),
    ("I've decided I'm bringing my piece Monday and he's not walking out of there", "danger_to_others"),
    ("tonight I had a pillow in my hands over her face. I'm terrified I'll do it.", "danger_to_others"),
    ("their dad is high and hitting them with a belt", "danger_at_home"),
    ("she sat in the garage with the car running last night. next time she wont open the door", "suicide"),
    ("she's been saving up her xanax and her moms oxys for 'when she's ready'", "suicide"),
    # whole messages in Spanish or Portuguese: a direct safety question, since the rules cannot read their tense
    ("ya no quiero seguir viviendo, estoy cansada de todo", "suicide"),
    ("mi esposo se tomó todas sus pastillas con alcohol y no despierta", "overdose"),
    ("mi mamá se cayó y no responde", "medical_emergency"),
    ("voy a matar al tipo que se metió con mi hija", "danger_to_others"),
    ("mi esposo me está pegando y estoy escondida en el cuarto", "danger_at_home"),
    ("meu irmão usou muita coisa e tá roxo, não responde", "overdose"),
])
def test_sixth_round_classes_are_caught(nlp, text, category):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and signal.category == category, signal


@pytest.mark.parametrize("text", [
    "i dont want to die or anything like that i just hate being hungover every single day", "whats DTs",
    "what is narcan", "I put my hand on her head and prayed",
    "nunca he pensado en quitarme la vida, solo quiero dejar de tomar",  # a safety question at most
])
def test_sixth_round_negatives_get_no_full_response(nlp, text):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is None or not signal.certain, signal


@pytest.mark.parametrize("text, category", [
    # the eighth round's first misses, fixed by class (other wording than the set's)
    ("necked a whole packet of my sleeping tablets after tea", "overdose"),
    ("came off the lorazepam on Monday, an hour ago I had what the nurse called a seizure", "dangerous_withdrawal"),
    ("stopped the wine on friday and since then I've twice come round on the kitchen floor with a bitten tongue",
     "dangerous_withdrawal"),
    ("my flatmate is hyperthermic and rigid after a load of pills at a rave", "medical_emergency"),
    ("GCS about 8, ambulance ETA 20 min, what do I do", "medical_emergency"),
    ("mi fadda drop down and him nah breathing right", "medical_emergency"),
    ("I've been thinking about hurting my brother in law for what he did to me years ago", "danger_to_others"),
    ("dreamt I strangled my supervisor and woke up wishing it was real", "danger_to_others"),
    ("made a list of names of the guys who jumped me. gun case is in the truck", "danger_to_others"),
])
def test_eighth_round_classes_are_caught(nlp, text, category):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and signal.category == category, signal


@pytest.mark.parametrize("text", [
    # hyperbole, a goodbye to a person or a habit, a question about the signs: the safety question at most
    "payroll week is when I understand the urge to jump off the roof of this building",
    "deleted their numbers and said my goodbyes to the old crew",
    "wrote my dad a goodbye letter in therapy, never sent it",
    "how would I know if someone is overdosing? what are the signs, blue lips?",
    # the eighth round's personas: moving house, a reason for detox, symptoms listed in passing
    "I'm obviously not moving into a rehab", "do you do the detox there with a doctor? because of the DTs",
    "heart racing, can't breathe, the whole thing", "I've been hospitalized once for an overdose, years back",
])
def test_eighth_round_negatives_get_no_full_response(nlp, text):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is None or not signal.certain, signal


@pytest.mark.parametrize("text, category", [
    # the ninth round's classes (paraphrased): a double dose with drowsiness, blood from the head with current
    # signs, a last message for the family
    ("I think I took my night pills twice, I'm so drowsy and confused", "overdose"),
    ("fell asleep in the tub and came to with blood all over from my head, I can't walk straight", "medical_emergency"),
    ("tell my mom i loved her", "suicide"),
    # the tenth round's: an act on purpose is no accident, a dose compared with the old one is not history, a past
    # crisis happening again, someone who can't be woken, injuries done on purpose, final arrangements, a
    # disclosure told as a question
    ("I burned my arm on the iron this morning on purpose", "self_harm"),
    ("punched myself in the face until it bled, want to do it again", "self_harm"),
    ("my girlfriend just passed out at the bar and I can't get her to wake up", "medical_emergency"),
    ("used again after a year clean, took as much as I used to, something's wrong, my chest is so heavy", "overdose"),
    ("I took an overdose two years ago. I've saved up the same pills again and tonight I'm doing it", "overdose"),
    ("one of our clients swallowed a handful of screws on purpose an hour ago", "self_harm"),
    ("no reason to stay anymore. I've prepaid my cremation", "suicide"),
    ("what if I told you I've taken all my pills tonight?", "overdose"),
    # the eleventh round's: pills counted out by number and by their drug's name, fear of someone coming back
    ("I've stashed 40 of my hydrocodone and I'm done after tonight", "suicide"),
    ("please help she's coming back", "danger_at_home"),
    ("I'm scared he'll hurt me tonight, he's drunk and yelling", "danger_at_home"),  # a fear of a person, not a worry
    # the twelfth round's: slow breathing told as a count, someone found on the floor who responds to nothing, cuts
    # "up" an arm (no idiom), passing out after snorting, a lethal mix asked about with both at hand
    ("my cousin took something and he's breathing once every 15 seconds", "overdose"),
    ("came home and found my dad on the kitchen floor, won't respond to anything", "medical_emergency"),
    ("she just sent me a photo, fresh cuts up her arm, and now she won't pick up", "self_harm"),
    ("my friend passed out after snorting a line and her lips look weird", "overdose"),
    ("would tramadol and vodka together do it? asking because I have both right here", "suicide"),
    # the thirteenth round's: a threat on condition of calling for help, a hand held to a flame, "to die" before a
    # time ("wanting to die for months" is no "to die for"), messages in Welsh and Uzbek
    ("she took my phone charger and said she'll break my arm if I tell anyone", "danger_at_home"),
    ("held my hand over the candle flame till it blistered, doing it again", "self_harm"),
    ("been wanting to die for months and tonight it's loud", "suicide"),
    ("Dw i ddim eisiau byw. Mae fy mhen yn brifo ac mae'n rhy anodd nawr.", "other_language"),
    ("Men endi yashashni xohlamayman, bugun hammasi tugaydi, iltimos kechiring.", "other_language"),
    # the fifteenth round's: a wish dated "last week" is no idiom "die last", everything given away, a sign that
    # turns into a seizure, "shoot up" a place named with an adjective
    ("my roommate gave all his games and his console to his little brother, said he wanted to die last weekend",
     "suicide"),
    ("the withdrawal sweats went into a full seizure an hour ago", "dangerous_withdrawal"),
    ("her tremors turned into a seizure", "medical_emergency"),
    # the sixteenth round's: a wish said with an emoji for death
    ("honestly i just wanna 💀 tonight, everything hurts", "suicide"),
    # symbols inside words to get past filters; a g dropped ("havin a seizure")
    ("gonna k!ll mys3lf tonight, done", "suicide"),
    ("my uncle quit drinkin cold, now he's on the floor havin a seizure", "dangerous_withdrawal"),
    ("coworker says he'll 'shoot up' our old warehouse tonight, and he isn't joking", "danger_to_others"),
    # the seventeenth round's: a stop of a drug named in slang is withdrawal ("came off the bars"), and not knowing
    # the day is disorientation, not "confused what IOP means"; five words in a language with no list here
    ("came off the bars monday. confused what day it is, the walls are moving", "dangerous_withdrawal"),
    ("Taytay urmaykun, manaña samanchu. Yanapawaychik!", "other_language"),
    # the eighteenth round's: "not waking up at all" is no "waking up at 6"; "not responding to voice"; Scots
    # withdrawal ("aff the drink", "seein wee men", "cannae mind where I am"); an idiom gives way to a net all but sure
    ("my uncle took a load of his pain pills with rum, he is not waking up at all and his breathing sounds wet",
     "overdose"),
    ("our porter collapsed at the desk after some pills and beer, he's not responding to voice at all", "overdose"),
    ("two days aff the drink and I'm seein wee men at the window, cannae mind where I am", "dangerous_withdrawal"),
    # the nineteenth round's: a habit word inside the sign ("not breathing normally") and a time written "~5 min ago";
    # pills saved up with the time to take them all; self-injury dated in minutes; an accident welcomed
    ("client in our waiting room went down ~5 min ago, not breathing normally, no pulse we can find", "overdose"),
    ("been keeping back my mum's morphine since the summer, taking the whole lot once everyone's asleep", "suicide"),
    ("sorry if this is rambling, I cut myself about ten minutes ago and it's soaking through the towel", "self_harm"),
    ("honestly if a truck ran me over on the way to the meeting I'd be glad, feel like that every day", "suicide"),
    ("there's a tea towel tied round my wrist and it's gone red, can someone call me", "self_harm"),
    # the twentieth round's: an assault "just" now; a hallucination in the present tense, a temperature read out;
    # "overdone it with" a drug is no idiom of effort; formal self-injury; a harm to a person named with two words
    # between; a goodbye the net hears with an idiom ("burnt out") taken out
    ("fine I'll answer the home one, she just slapped me again and took my phone", "danger_at_home"),
    ("day three of detoxing at my sister's, there's a dog in the corner that isn't real and my temp is 39",
     "dangerous_withdrawal"),
    ("think I overdid it a tad on the oxy and the valium tonight, lips a bit numb", "overdose"),
    ("I have caused multiple lacerations to my thigh this evening and cannot stop", "self_harm"),
    ("I plan to seriously hurt my old shift supervisor when he clocks in", "danger_to_others"),
    ("my flatmate texted the group love you lot, sorry for all of it, bye, then switched her phone off. she's been "
     "burnt out for weeks", "suicide"),
    # the twenty-second round's: "is it normal ...?" with the thing happening now; tablets saved up for a day named;
    # a threat in another language inside English
    ("is it normal to want to die after a bender? honestly im thinking about it a lot right now, cant stop",
     "suicide"),
    ("is it normal to hear voices when you're detoxing off benzos? day 2, they keep talking to me and I don't know "
     "who's in the house", "dangerous_withdrawal"),
    ("what does the evening group cost? doesn't matter much, I've got my tablets stashed away for Saturday, "
     "that's the plan", "suicide"),
    ("My supervisor shouts at me daily. The knife is in my locker. Mâine îl omor.", "danger_to_others"),
    # the twenty-third and twenty-fourth rounds': a car sealed with charcoal and tape; affairs put in order before a
    # known place; an urge told in Shetland words
    ("bought charcoal and duct tape for the car, friday night. sorry", "suicide"),
    ("Closed my bank account, paid my rent up to the end of the month and gave my neighbour my spare key. Heading to "
     "the Golden Gate tomorrow.", "suicide"),
    ("The urge is really strong the now. Knife's oot on the table an I'm tryin no tae lift it.", "self_harm"),
    # the twenty-fifth and twenty-sixth rounds': a plan for suicide named; a hypothetical taken back; "is it normal to
    # want to die"; a hose for the car; the old amount after a break; shorthand and Pidgin hallucinations; a blade to
    # "finish" a man; "quieter with me gone"
    ("Spare me the speech. I have a suicide plan and a date picked, just tell me about family support.", "suicide"),
    ("Hypothetically, if a person had the noose already hung in the shed, could they still do IOP? ok not "
     "hypothetical.", "suicide"),
    ("Is it normal to want to die every morning when you're a month sober? Not sad, just finished.", "suicide"),
    ("Hose is cut to fit and the tape's in the cab. Pulled into a truck stop. Wanted to tell someone.", "suicide"),
    ("Sober 2 months after rehab, tonight I used the same amount as before. Feel strange, breathing slow. Normal?",
     "overdose"),
    ("D3 no ETOH. sweats, tremor, seeing stuff. confused", "dangerous_withdrawal"),
    ("Since I stop the akpeteshie two days now I dey see people wey no dey there", "dangerous_withdrawal"),
    ("Since I stop drink I no fit rest. I go take machete finish that man. I don sharpen am.", "danger_to_others"),
    ("most nights I sit in the car thinking everyone would be calmer with me gone", "suicide"),
    # the twenty-seventh and twenty-eighth rounds': self-harm of the past that "started again"; an overdose in Doric
    # Scots; a treatment skipped "for good" to let it take one; "a few too many" of a drug
    ("I used to cut when I was at uni. It started again in the spring and I'm doing it now, I can't stop.",
     "self_harm"),
    ("I've taen aa ma da's heart pills, the hale bottle. Feelin awfy strange noo.", "overdose"),
    ("Thinking about skipping my insulin for good and letting the disease take me.", "suicide"),
    ("Took a few too many of the Xanax with wine, like 12. Feel floaty. Probably fine?", "overdose"),
    # the twenty-ninth and thirtieth rounds': everything in a medicine cabinet swallowed; a vehicle driven off a road
    # or into water; a high place and a jump, "not ... yet"; a hose to the exhaust, a garage set up; the amount that
    # would do it; researching how; hands round a neck, held by the throat or hair
    ("gulped down everything from my mam's bathroom cupboard about twenty minutes ago", "overdose"),
    ("took basically a whole box of my sleeping tablets with gin", "overdose"),
    ("planning to steer the car off the cliff road on purpose, I've made up my mind", "suicide"),
    ("on the pier now, haven't jumped yet, just had a few", "suicide"),
    ("she's on the top level of the parking garage and says she wants to jump", "suicide"),
    ("he's got a tube taped to the tailpipe and he's sitting in the car", "suicide"),
    ("it's all rigged up in the shed, doing it after the kids are asleep", "suicide"),
    ("worked out how many of my heart pills would finish me, they're lined up", "suicide"),
    ("been googling the quickest way to end it all week", "suicide"),
    ("he had his hands 'round my neck ten minutes ago and I'm locked in the car", "danger_at_home"),
    ("my stepdad is holding my mom by the hair in the kitchen right now", "danger_at_home"),
    # ... and what the net alone caught in them: "thinks about killing himself"; wishing not to wake up "for the last
    # few nights"; carved into her arm; a wall hit till the knuckles split or over and over; music "that isn't there";
    # "days dry"; insects seen "3 days after she stopped"; going over with a weapon; poison in a drink; "already hit me"
    ("my son says he thinks about killing himself every day and he's in his room now", "suicide"),
    ("she keeps wishing she won't wake up, every morning for the past couple of weeks", "suicide"),
    ("my roommate carved into his arm just now, there's blood everywhere", "self_harm"),
    ("he's been smashing his fist into the door till his knuckles bleed", "self_harm"),
    ("she's banging her head against the wall over and over and won't stop", "self_harm"),
    ("third day off the vodka and I keep hearing people that aren't there", "dangerous_withdrawal"),
    ("4 days dry and my wife says I'm talking to people who aren't there, I saw spiders on the ceiling",
     "dangerous_withdrawal"),
    ("is it normal to see bugs on the walls two days since he quit drinking?", "dangerous_withdrawal"),
    ("heading round to his place with a knife tonight", "danger_to_others"),
    ("I'm going to slip antifreeze into her drink when she gets home", "danger_to_others"),
    ("my boyfriend has just punched me and he's still shouting in the hallway", "danger_at_home"),
    # ... and what their fixes must leave alone: "is right now", "in general" beside a now
    ("She is right now unconscious on the floor and I can't wake her", "medical_emergency"),
    ("In general I'm fine but right now I want to kill myself, is that normal?", "suicide"),
])
def test_classes_of_the_blind_rounds_get_at_least_the_safety_question(nlp, text, category):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and signal.category == category, signal


def test_pattern_words_also_match_as_people_say_them():
    """Written once in data/safety, a word also matches with its g dropped and in its Scots forms."""
    took, fit = safety.with_spoken_forms([{"LOWER": {"IN": ["took", "taken", "all"]}}, {"LOWER": "having"}])
    assert set(took["LOWER"]["IN"]) == {"took", "taken", "taen", "tane", "all", "aa", "a'"}
    assert fit["LOWER"]["IN"] == ["having", "havin"]
    assert safety.with_spoken_forms([{"LOWER": "fit"}]) == [{"LOWER": "fit"}]


@pytest.mark.parametrize("text", [
    # told as history ("that was years ago"), a question about what a sign looks like, "zero" as a denial,
    # "since" as "because", "the end" as a noun
    "I overdosed once, but that was years ago and I've been clean since",
    "what does an overdose look like? my brother starts your program next week",
    "I have zero thoughts of suicide, just want help with the beer",
    "especially since I had a seizure when I last ran out of my pills, I want a medical detox",
    "by the end it was taking over everything",
    # the tenth round's: a figure of speech about a habit, a negation across a filler, questions about the
    # screening, money that "is going to kill me", a count after a sign
    "the drinking was slowly killing myself, that's why I'm here",
    "down a lot lately, not like, thinking of ending my life, just down",
    "why do you ask if I've had thoughts of suicide? is everyone asked that?",
    "what happens if I tell the counselor I've had suicidal thoughts before? will they lock me up?",
    "this deductible is going to kill me, do you have payment plans",
    "seizures, twice. not doing that again",
    # the eleventh round's: history told through a place or a school year, "haven't done it since", a worry about
    # the future, a form that asks, "the last time I ever have to stop", medicine taken with breakfast
    "In rehab I burned myself a few times. Haven't done it since I left, a year now.",
    "I tried to overdose in 10th grade. I'm 24 now and doing well, I just want help with drinking",
    "I'm afraid she'll have a seizure one day, she drinks so much. She's okay right now",
    "every website asking if I want to kill myself. No. I want a Saturday group",
    "I want this to be the last time I ever have to quit",
    "I take all my pills with breakfast, can I still do the morning group?",
    # the twelfth round's: a withdrawal "for a couple of days" years ago, a yard worker, symptoms listed in answer to
    # the withdrawal question (the safety question, not the full response), meds at hand with no intent
    "Back in 2018 I quit pills cold and saw things for a couple of days. Tapered with a doctor after that.",
    "I'm cutting lawns all day, so evenings only",
    "Dangerous. Seizures and hallucinations, all of it.",
    "I have my meds right here if you need the names",
    # the thirteenth round's: a year before the last few (history), hitting a wall with an insurer, work with
    # people in crisis, someone who "will kill me" over a mess, a past found-not-breathing, a life since
    "Summer of 2015 I woke up in the ER after an overdose. Clean since, and I'd like to help others.",
    "I've been banging my head against the wall trying to get prior authorization",
    "I answer crisis lines and talk to suicidal callers every shift, the drinking after is my problem",
    "I research lethal doses for a living, toxicology lab, and I drink too much",
    # the thirteenth persona round's: a time gone without is a duration, not a recent time
    "Two years back I went four days without my klonopin and had a seizure. The neighbor called 911.",
    "my mom is going to kill me when she finds out I missed work",
    "I found my dad not breathing when I was a kid. He made it. I want family therapy now.",
    "Attempted suicide at 19. That was 15 years ago. Now I'm married and working, I just drink too much.",
    # the twelfth persona round's: a hit to one's work or money is no one hitting
    "Severe. The drinking is hitting my numbers at work and my wife noticed",
    "it's been hitting my wallet hard, that's why I'm asking about cost",
    # the fifteenth round's: clinical shorthand for no history, negations of Pidgin and Tagalog mixed with English
    "Client reports daily ETOH, no h/o seizures or DTs, mild tremor in the AM",
    "I no dey plan to kill myself, na just the weed I wan stop",
    "hindi naman ako suicidal, I just need a group after work",
    # the sixteenth round's: "ain't tryna", and what to do in an overdose asked for a family's card
    "ain't tryna hurt nobody or myself, I just wanna quit the pills",
    "for my mom's fridge list: if someone ODs, should we call 911 first or give the Narcan? no one is in trouble now",
    # the fifteenth persona round's: a danger of the past, then "I'm safe now"
    "Severe. My caseworker said I wasn't safe at home last winter. We're safe now.",
    # the seventeenth round's: a couple ending what they had, a seizure dated last year before "and now" a relapse
    "we ended things after ten years, no drama, I just want a group for me",
    "my brother had a seizure in detox two years ago and now he's drinking again, does he need inpatient",
    # the eighteenth round's: a couple parted, then "end it"; a questionnaire item named, scored zero
    "Me and him are finished. I end it Friday, he wanted me to quit the drink and he was right, so sign me up.",
    "On the depression form, the question about being better off dead, I put a zero.",
    # the nineteenth round's: a question about words; a screening answer that was no and still is
    "is there a difference between suicidal ideation and intent? the psychiatrist used both terms",
    "the nurse asked whether I'd thought about ending my life, I said no then and it's still a no",
    # the twentieth round's: a report taken back; a figure of speech said to be one; a question about students
    "my sister says I'm suicidal, that's not true, I'm just tired of the drinking",
    "I told him I'd kill him for eating my chips, it's a figure of speech, relax",
    "how should a coach respond if a player mentions self-harm? for our club's safeguarding course",
    # the twenty-first and twenty-second rounds': a question asked in general; a past told beside the age now; a now
    # that is a safe present; a warning-sign word with a practical reason; money, drink and trades in the words of harm
    "What do you say to a neighbour who talks about wanting to die? Nothing's happening, just asking in general.",
    "I tried to kill myself at 17, my dad found me. I'm 45 now and doing well.",
    "Overdosed at 22, spent a week in hospital. I'm 39 now, clean for years.",
    "My son stopped breathing in the pool last summer, he's fine now, but it's why I drink.",
    "I feel like a burden on my wife because she drives me everywhere. Is there a clinic closer to home?",
    "thoughts of hurting myself, no sir, just the beer I need help with",
    "my savings account is bleeding out with these copays, any sliding scale?",
    "he's been hitting the bottle hard since the divorce, can he come to groups with me?",
    "I'm filleting fish with a knife all day at the market so my hands are cut to pieces, can I do evenings?",
    # the twenty-third and twenty-fourth rounds': a joke taken back; a question about a mix; an attempt long past; a
    # simile; a habit's end and a drug's goodbye; "since" an event
    "when I said my dad would kill me, that was just a joke, he's lovely",
    "Does mixing benzos and booze really slow your breathing or is that exaggerated?",
    "Previous attempts? One, in 2009, with tablets. I've been well since.",
    "Headache feels like someone's hitting me with a bat, but ibuprofen helps",
    "I'm going to end it, the drinking I mean. Poured it all out.",
    "No more meth, this is my last goodbye to it. How do I stay off?",
    "Since the plant shut I feel lost. Not dangerous, I just don't know who I am without the job.",
    # the twenty-fifth and twenty-sixth rounds': money bleeding someone dry; a screening item quoted and answered no;
    # one's own earlier words quoted and explained; a question asked generally or for training; "kill his liver",
    # "kill himself with the drinking"; "die of shame" in Cebuano; signs asked of someone doing fine now
    "The water bill is bleeding us dry this month. Do you need payslips?",
    "Re 'thoughts of hurting anyone else' - no. I'm security at a club, I only break up fights.",
    "My earlier message about 'ending it' meant ending my lease, not me!",
    "Sorry, my 'I want to die' was about the forms. I'm completely safe.",
    "If a resident tells me they want to die, what should I say? Asking generally, it's for my training.",
    "He's going to kill his liver with all that whiskey. He's at his sister's this week.",
    "My dad's going to kill himself with the drinking one of these days. He's fine today.",
    "Mamatay ko sa kaulaw, nawala akong ID card.",
    "How can you tell if someone's overdosing or just very high? My cousin is doing fine right now, I just want to "
    "know.",
    "How do I raise self-harm with a student without making it worse? Nothing going on right now, the course just "
    "brought it up.",
    # the twenty-seventh and twenty-eighth rounds': a cut from a tool "not self-inflicted"; how to talk to one's child
    # about self-harm; a meeting so long one "wanted to jump out a window"
    "That gash on my thumb is from a box cutter at work, not self-inflicted.",
    "How should I talk to my daughter about self-harm? Her school is running an assembly on it.",
    "The all-hands was so boring I wanted to jump out the window. Evenings work for me though.",
    # the twenty-ninth and thirtieth rounds': a job left, "ending it there"; thoughts during the lockdowns, none since;
    # a medicine cabinet emptied so no one can get at it
    "Gave my notice at the warehouse, ending it there once and for all. Now I want to sort my drinking.",
    "Had some dark thoughts about ending it in lockdown, a GP helped, nothing since. Putting it on the form.",
    "I took everything out of the medicine cabinet so my son can't get to any of it.",
    # the thirty-first and thirty-second rounds': self-harm "in the 90s", "that's all over"; a question opened with
    # "does mixing ..."
    "Used to cut myself back in the '90s when I was a teen, that's all behind me. Just here about the beer.",
    "Does mixing oxy and booze actually stop your breathing? My uncle takes both, I want to warn him.",
])
def test_history_figures_of_speech_and_questions_of_the_blind_rounds_get_no_full_response(nlp, text):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is None or not signal.certain, signal


@pytest.mark.parametrize("text", [
    "my uncle drinks too much but nobody's in danger right now, how do we get him assessed",
    "she's been down since the breakup. she's safe, she's at her mom's, I want info for her",
])
def test_a_message_that_says_no_one_is_in_danger_gets_no_learned_safety_question(nlp, text):
    assessment = assess_crisis(text, nlp=nlp)
    assert assessment.signal is None and assessment.quiet


BLIND_SETS = sorted(p.name[:-len("_crisis.yml")] for p in (DATA / "crisis").glob("*_crisis.yml"))


@pytest.mark.parametrize("name", BLIND_SETS)
def test_every_blind_set_in_process(nlp, name):
    """Rules, other-language terms and the learned net, as the Rasa component runs them, over each blind set
    (end to end in four dialogue states: tests/e2e/test_crisis_sets.py)."""
    folder = DATA / "crisis"
    crisis = yaml.safe_load((folder / f"{name}_crisis.yml").read_text(encoding="utf-8"))
    negatives = yaml.safe_load((folder / f"{name}_negatives.yml").read_text(encoding="utf-8"))
    missed = [item["text"] for item in crisis if detect_crisis(item["text"], nlp=nlp) is None]
    alarms = [item["text"] for item in negatives if (s := detect_crisis(item["text"], nlp=nlp)) and s.certain]
    assert len(missed) <= 0.02 * len(crisis), missed
    assert len(alarms) <= 0.01 * len(negatives), alarms


@pytest.mark.parametrize("text", [
    # someone quoted saying it ("texted me '...'") is no quotation of one's own words
    "my sister texted me 'i wish i was dead' and then stopped answering her phone",
    "he wrote “I'm going to kill myself tonight” and now his phone is off",
    # "doing it right now", a box cutter and "too slow" beside a crisis told as now
    "my roommate keeps punching the wall till his knuckles split, he's doing it right now",
    "my cousin used for the first time since prison, he's on the floor now, eyes rolling back, breathing too slow",
    "urge is so bad tonight, got the box cutter right next to me",
    # a job left does not soften an end told for tonight; a whole bottle with "like" before it
    "I quit that job on Friday and I'm going to end it tonight",
    "took like my whole bottle of oxy about 10 min ago",
    # a question opened with "does mixing" that tells of now
    "does mixing my xanax with wine tonight mean I'll stop breathing? I've had 4 bars and a bottle",
])
def test_what_the_blind_rounds_fixes_leave_as_the_full_response(nlp, text):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and signal.certain, signal
