"""FAQ accuracy of a trained model, in-process (no servers): held-out sets and off-topic questions.

    .venv/bin/python bench/faq_eval.py                  # the model for the current training inputs
    .venv/bin/python bench/faq_eval.py --model models/intake-<fingerprint>.tar.gz
    .venv/bin/python bench/faq_eval.py --quiet          # figures only, no list of held-out misses

A held-out question is right when the full NLU (DIET intent, ResponseSelector, knowledge search,
intake facts) says intent `faq` with utter_action `utter_faq/<expected topic>`, the same check as
tests/e2e/test_faq.py. An off-topic question (tests/data/faq_offtopic*.yml) is wrongly answered when
it gets any FAQ topic instead of the honest "I don't have that information". Every miss is printed
with the predicted intent, topic, their confidences and how the answer was found.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import quiet_model  # noqa: E402

HELDOUT_SETS = tuple(sorted(p.name for p in (ROOT / "tests" / "data").glob("faq_heldout*.yml")))
OFF_TOPIC_SETS = tuple(sorted(p.name for p in (ROOT / "tests" / "data").glob("faq_offtopic*.yml")))


def answer(parsed: dict) -> dict:
    """What the NLU made of one message: intent, FAQ topic (None when not answered) and confidences."""
    intent = parsed.get("intent") or {}
    selected = ((parsed.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    action = selected.get("utter_action") or ""
    topic = action.split("/", 1)[1] if intent.get("name") == "faq" and "/" in action else None
    ranking = [i for i in parsed.get("intent_ranking") or [] if i.get("name") != "nlu_fallback"]
    return {"intent": intent.get("name"), "intent_confidence": round(float(intent.get("confidence") or 0), 2),
            "best_intent": ranking[0]["name"] if ranking else None,
            "topic": topic, "selector_confidence": round(float(selected.get("confidence") or 0), 2),
            "found_by": (parsed.get("knowledge") or {}).get("found_by")}


async def evaluate(model: Path, quiet: bool) -> dict:
    """Parse every held-out and off-topic question; print misses; return the figures."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    figures = {}
    for name in HELDOUT_SETS:
        items = yaml.safe_load((ROOT / "tests" / "data" / name).read_text())
        misses = []
        for item in items:
            got = answer(await agent.parse_message(item["text"]))
            if got["topic"] != item["topic"]:
                misses.append((item, got))
        right = len(items) - len(misses)
        figures[name] = (right, len(items))
        print(f"\n{name}: {right}/{len(items)} = {right / len(items):.1%}")
        if not quiet:
            for item, got in misses:
                print(f"  MISS [{item['topic']}] {item['text']!r}\n       -> {got}")
    right, total = (sum(figures[name][i] for name in HELDOUT_SETS) for i in (0, 1))
    print(f"\nall held-out sets: {right}/{total} = {right / total:.1%}")
    for name in OFF_TOPIC_SETS:
        questions = yaml.safe_load((ROOT / "tests" / "data" / name).read_text())
        wrong = []
        for text in questions:
            got = answer(await agent.parse_message(text))
            if got["topic"] is not None:
                wrong.append((text, got))
        figures[name] = (len(wrong), len(questions))
        print(f"\n{name}: {len(wrong)} of {len(questions)} wrongly answered")
        for text, got in wrong:
            print(f"  WRONG {text!r}\n       -> {got}")
    wrong, total = (sum(figures[name][i] for name in OFF_TOPIC_SETS) for i in (0, 1))
    print(f"\nall off-topic sets: {wrong} of {total} wrongly answered")
    return figures


def main() -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model archive (default: the one for the current inputs)")
    parser.add_argument("--quiet", action="store_true", help="print the figures and off-topic answers only")
    args = parser.parse_args()
    model = quiet_model(args.model)
    if model is None:
        return 1
    figures = asyncio.run(evaluate(model, args.quiet))
    print("\nsummary: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
