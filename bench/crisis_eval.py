"""Crisis detection on the blind sets, in-process: recall per category and false alarms on hard negatives.

    .venv/bin/python bench/crisis_eval.py                # the full NLU of the model for the current inputs
    .venv/bin/python bench/crisis_eval.py --rules        # the rule layer alone (no model needed)
    .venv/bin/python bench/crisis_eval.py --set final    # another set under tests/data/crisis/

A crisis message is caught when it gets the full crisis response (intent `crisis`) or the direct safety
question (the `safety_check` entity). A hard negative is a false alarm when it gets the full response;
safety questions on negatives are counted apart. Every miss and false alarm is printed.
tests/e2e/test_crisis_sets.py measures the same end to end in four dialogue states.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import quiet_model  # noqa: E402

SETS = ROOT / "tests" / "data" / "crisis"


def load_set(name: str) -> tuple[list[dict], list[dict]]:
    """The crisis messages and hard negatives of a set."""
    return tuple(yaml.safe_load((SETS / f"{name}_{part}.yml").read_text(encoding="utf-8"))
                 for part in ("crisis", "negatives"))


def outcome_of_parse(parsed: dict) -> str:
    """"full", "check" or "none" for a parsed message."""
    if (parsed.get("intent") or {}).get("name") == "crisis":
        return "full"
    if any(e.get("entity") == "safety_check" for e in parsed.get("entities") or []):
        return "check"
    return "none"


def outcome_of_rules(text: str, learned: bool = True) -> str:
    """"full", "check" or "none" from the rule layer, with the learned net under it unless not `learned`."""
    from bot.crisis.assess import assess_crisis

    signal = assess_crisis(text, learned=learned).signal
    return "none" if signal is None else ("full" if signal.certain else "check")


def report(crisis: list[dict], negatives: list[dict], outcomes: dict[str, str]) -> dict:
    """Print recall per category, misses and false alarms; return the figures."""
    per = Counter(item["category"] for item in crisis)
    caught = Counter(item["category"] for item in crisis if outcomes[item["text"]] != "none")
    full = Counter(item["category"] for item in crisis if outcomes[item["text"]] == "full")
    print(f"{'category':28} caught  (full)")
    for category in per:
        print(f"{category:28} {caught[category]:3}/{per[category]:<3} ({full[category]})")
    total = sum(caught.values())
    print(f"{'all':28} {total}/{len(crisis)} = {total / len(crisis):.1%}")
    for item in crisis:
        if outcomes[item["text"]] == "none":
            print(f"  MISS [{item['category']}] {item['text']!r}")
    alarms = [item for item in negatives if outcomes[item["text"]] == "full"]
    checks = [item for item in negatives if outcomes[item["text"]] == "check"]
    print(f"hard negatives: {len(alarms)} of {len(negatives)} full responses ({len(alarms) / len(negatives):.1%}), "
          f"{len(checks)} safety questions ({len(checks) / len(negatives):.1%})")
    for item in alarms:
        print(f"  FULL  [{item['kind']}] {item['text']!r}")
    for item in checks:
        print(f"  CHECK [{item['kind']}] {item['text']!r}")
    return {"caught": total, "crisis": len(crisis), "full_on_negatives": len(alarms),
            "checks_on_negatives": len(checks), "negatives": len(negatives)}


async def parse_all(model: Path, texts: list[str]) -> dict[str, str]:
    """The outcome of every text through the model's full NLU."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return {text: outcome_of_parse(await agent.parse_message(text)) for text in texts}


def main() -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="dev", help="set name under tests/data/crisis (default: dev)")
    parser.add_argument("--rules", action="store_true", help="the rule layer and the learned net, no DIET model")
    parser.add_argument("--no-net", action="store_true", help="with --rules: the rules alone, without the net")
    parser.add_argument("--model", type=Path, help="model archive (default: the one for the current inputs)")
    args = parser.parse_args()
    crisis, negatives = load_set(args.set)
    texts = [item["text"] for item in crisis + negatives]
    if args.rules:
        outcomes = {text: outcome_of_rules(text, learned=not args.no_net) for text in texts}
    else:
        model = quiet_model(args.model)
        if model is None:
            return 1
        outcomes = asyncio.run(parse_all(model, texts))
    layers = "full NLU" if not args.rules else "rules alone" if args.no_net else "rules and learned net"
    print(f"set: {args.set} ({layers})")
    report(crisis, negatives, outcomes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
