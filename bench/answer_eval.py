"""How well the intake rules read the personas' answers, offline: every way a persona says a fact, read
as the answer to that fact's question (bot.conversation.extract.extract_facts with `asked`), per criterion.

    .venv/bin/python bench/answer_eval.py               # the development personas
    .venv/bin/python bench/answer_eval.py --set final --misses relapse

No server and no model: a quick loop for the phrase patterns (data/patterns) and bot/conversation/context_answers.py.
An hours answer counts when it is the persona's number exactly, which is stricter than the placement.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from simulate import load_personas  # noqa: E402

from bot.conversation.extract import extract_facts  # noqa: E402
from bot.conversation.nlp import build_pipeline  # noqa: E402


def read_right(text: str, criterion: str, true: object, nlp) -> tuple[bool, list]:
    """Whether the answer reads as the true value, and what it read."""
    got = [f.value for f in extract_facts(text, nlp=nlp, asked=criterion, learned=True) if f.criterion == criterion]
    if isinstance(true, list):
        return bool(got) and set(got) == set(true), got
    return bool(got) and got[-1] == true, got


def main() -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="dev", help="persona set under tests/data/personas")
    parser.add_argument("--misses", help="print the misreadings of this criterion")
    args = parser.parse_args()
    nlp = build_pipeline()
    right, total, misses = Counter(), Counter(), defaultdict(list)
    for persona in load_personas(args.set):
        for criterion, says in persona["say"].items():
            for text in says:
                good, got = read_right(str(text), criterion, persona["facts"].get(criterion), nlp)
                total[criterion] += 1
                right[criterion] += good
                if not good:
                    misses[criterion].append((text, got, persona["facts"].get(criterion)))
    for criterion in total:
        print(f"{criterion:22} {right[criterion]:4}/{total[criterion]:<4} {right[criterion] / total[criterion]:.0%}")
    good, count = sum(right.values()), sum(total.values())
    print(f"{'all':22} {good:4}/{count:<4} {good / count:.1%}")
    for text, got, true in misses.get(args.misses or "", []):
        print(f"  {text!r} -> {got} (true {true})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
