"""domain.yml mirrors bot/clinical/criteria.py, the one definition of the criteria."""

import yaml

from bot.app.model import ROOT
from bot.clinical.criteria import CRITERIA


def domain():
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def test_every_criterion_has_a_slot_filled_from_its_entity():
    slots = domain()["slots"]
    for c in CRITERIA:
        assert slots[c.id]["mappings"] == [{"type": "from_entity", "entity": c.id}], c.id
        assert slots[c.id]["type"] == ("list" if c.multiple else "any")
        assert slots[c.id]["influence_conversation"] is False


def test_entities_are_the_criteria_the_crisis_detector_s_and_the_change_button_s():
    assert domain()["entities"] == [c.id for c in CRITERIA] + ["crisis_category", "safety_check", "change_answer"]


def test_form_asks_the_asked_criteria_in_order():
    required = domain()["forms"]["intake_form"]["required_slots"]
    assert required == ["consent"] + [c.id for c in CRITERIA if c.asked]


def test_each_asked_criterion_has_an_ask_action_and_no_duplicate_utterance():
    d = domain()
    for c in CRITERIA:
        assert (f"action_ask_{c.id}" in d["actions"]) == c.asked
        assert f"utter_ask_{c.id}" not in d["responses"]


def test_ask_actions_exist_in_the_action_package():
    from rasa_sdk import Action
    from rasa_sdk.utils import all_subclasses

    import actions.intake_form  # noqa: F401  (registers the generated ask actions)
    import actions.recommendation  # noqa: F401

    names = {cls().name() for cls in all_subclasses(Action) if not getattr(cls, "__abstractmethods__", None)
             and cls.__module__.startswith("actions")}
    assert {f"action_ask_{c.id}" for c in CRITERIA if c.asked} <= names
    assert {"validate_intake_form", "action_summarize", "action_recommend"} <= names
