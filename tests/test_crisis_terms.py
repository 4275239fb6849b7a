"""Crisis terms in other languages (bot/crisis/terms.py): the safety question for a message the English rules
cannot read, nothing for English."""

import pytest

from bot.crisis.assess import detect_crisis, load_safety_pipeline
from bot.crisis.terms import find_crisis_term, is_english, mostly_english, other_language, term_patterns


@pytest.fixture(scope="module")
def nlp():
    return load_safety_pipeline()


@pytest.mark.parametrize("text, category", [
    ("Ich will nicht mehr leben", "suicide"),
    ("Chcę umrzeć, nie mam już siły", "suicide"),
    ("我朋友吃了一整瓶药，叫不醒", "overdose"),
    ("방금 손목을 그었어요", "self_harm"),
    ("Mi marito non respira, cosa faccio?", "medical_emergency"),
    ("Kocam beni dövüyor, banyoda saklanıyorum", "danger_at_home"),
    ("Jetzt zittert er am ganzen Körper und hat Fieber", "dangerous_withdrawal"),
])
def test_a_crisis_in_another_language_gets_the_safety_question(nlp, text, category):
    signal = detect_crisis(text, nlp=nlp)
    assert signal is not None and not signal.certain and signal.category == category, signal


@pytest.mark.parametrize("text", [
    "Wie lange dauert ein ambulanter Entzug?", "외래 치료 프로그램은 일주일에 몇 번 가야 하나요?",
    "¿Aceptan seguro médico?", "Quanto costa il programma serale?",
])
def test_ordinary_questions_in_other_languages_find_no_term(text):
    assert find_crisis_term(text) is None


def test_english_is_left_to_the_english_rules():
    assert mostly_english("do you treat people who've attempted suicide?")
    assert find_crisis_term("do you treat people who've attempted suicide?") is None
    assert is_english("overdose", "word") and is_english("suicid", "prefix")
    assert not mostly_english("Ich will einfach nicht mehr leben")


def test_every_term_compiles_and_is_grouped_by_category_and_language():
    categories = {category for category, _, _ in term_patterns()}
    assert categories == {"suicide", "self_harm", "overdose", "medical_emergency", "dangerous_withdrawal",
                          "danger_to_others", "danger_at_home"}
    assert len({lang for _, lang, _ in term_patterns()}) >= 30


@pytest.mark.parametrize("text, language", [
    ("Rafiki yangu amelewa sana na hajaamka, sijui nifanye nini", "sw"),
    ("Min bror har druckit hela dagen och nu svarar han inte", "sv"),
    ("Kamu bisa bantu aku? Aku nggak tahu harus ngapain lagi", "id"),
    ("Můj bratr je opilý a nechce se probudit, co mám dělat", "cs"),
    ("אני לא יודע מה לעשות, אחי לא מתעורר", "hebrew"),
    ("ช่วยด้วย เพื่อนไม่ตื่นเลย", "thai"),
    # languages without a spaCy list, and a long message whose common words are fewer than one in seven
    ("Umngane wami uphuze kakhulu futhi manje akavuki, angazi ukuthi ngenzeni", "zu"),
    ("Ndashaka ubufasha kuko ubu ntabwo nsinzira, iri joro ni ribi cyane", "rw"),
    ("Mwen bezwen èd paske pitit mwen pa ka respire", "ht"),
    ("Kuv tus tij laug haus cawv thiab nws hais tias nws yuav ntaus kuv", "hmn"),
    ("Ez nizanim çi bikim, birayê min niha gelek nexweş e", "ku"),
    ("Prestao sam piti prije tri dana i sad se sav tresem, ne znam što da radim, vidim stvari po zidu i sobi", "hr"),
])
def test_a_message_in_a_language_the_assistant_cannot_read_is_named(text, language):
    assert other_language(text) == language


@pytest.mark.parametrize("text", [
    "my brother drinks every day and I don't know what to do",
    "Mi sister inna Flatbush, she support mi.",  # English as Caribbean speakers write it
    "asdkjh qwezx mnbv",  # garbled, not a language
    "ok", "gracias",
])
def test_english_mixed_or_garbled_text_is_not_another_language(text):
    assert other_language(text) is None


def test_a_message_in_another_language_gets_the_safety_question_with_interpreters(nlp):
    signal = detect_crisis("Min bror har druckit hela dagen och nu svarar han inte", nlp=nlp)
    assert signal is not None and signal.category == "other_language" and not signal.certain
