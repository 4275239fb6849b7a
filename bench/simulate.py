"""Simulated people talk to the assistant over REST; prints how many reach the right recommendation.

    .venv/bin/python bench/simulate.py                     # every persona set, both modes, self-started server
    .venv/bin/python bench/simulate.py --set final --mode typing
    .venv/bin/python bench/simulate.py --url http://localhost:5005 --token TOKEN   # a running server

A persona (tests/data/personas/<set>/*.yml) is a fact sheet (every criterion, in the codes of
bot/clinical/criteria.py) with several ways of saying each fact, vague first answers, answers that carry two or
three facts, and questions about programs. The simulated person answers the question the form is asking
(the `requested_slot` the tracker shows) from the sheet: sometimes vaguely first, sometimes with several
facts at once, sometimes with a typo; once in a while it asks one of its questions instead. In `clicks`
mode it clicks the quick reply that matches its fact when asked the same thing a second time; in
`typing` mode it never clicks. A question that asks about a second criterion too (`also_asks`) gets that part
answered as well, from the sheet, most of the time. It confirms the summary, says no to a safety question,
and stops at the recommendation (agenda-based user simulation, as in ConvLab).

The expected level is what bot.clinical.placement recommends for the persona's true facts, so a miss is a
misunderstanding, not a placement disagreement. Printed: right level, reached a recommendation, loops
(the same question asked 3+ times in a row), turns without a fitting reply, median and worst person
turns, crisis responses and safety questions; each failure's transcript goes to --out, and every misread
answer to misreads.tsv there.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clinical.criteria import BY_ID  # noqa: E402
from bot.clinical.intake import make_intake  # noqa: E402
from bot.clinical.placement import recommend_level  # noqa: E402
from bot.conversation.form import times_in_a_row  # noqa: E402

PERSONAS = ROOT / "tests" / "data" / "personas"
MODES = ("clicks", "typing")
MAX_TURNS = 60
SUMMARY_MARK = "Here is what I understood"
START_OVER_MARK = "clear all your answers and start over"
FAILED_MARK = "something went wrong"
NOT_FOLLOWED_MARK = "i'm not sure how to answer that"
FAQ_FALLBACK_MARK = "I don't have that information"
ANSWERS_BOTH_PARTS = 0.7  # a question that asks two things gets both answered this often (the rest: the first)
CONSENT_ANSWERS = ("yes", "yes that's fine", "ok sure", "yeah go ahead")


@dataclass
class Result:
    """One simulated conversation."""

    persona: str
    mode: str
    expected: str
    level: str | None = None
    turns: int = 0
    loops: list[str] = field(default_factory=list)
    unfitting: list[str] = field(default_factory=list)
    crisis: int = 0
    checks: int = 0
    alarmed_by: list[str] = field(default_factory=list)  # what the person said that got a crisis reply
    transcript: list[str] = field(default_factory=list)
    misread: dict[str, tuple] = field(default_factory=dict)  # criterion -> (understood, true) at the end

    @property
    def right(self) -> bool:
        return self.level == self.expected

    @property
    def ok(self) -> bool:
        return self.right and not self.loops and not self.unfitting and not self.crisis


def load_personas(name: str) -> list[dict]:
    """Every persona of a set, in file order (YAML's yes / no booleans read back as the codes "yes" / "no")."""
    personas = []
    for path in sorted((PERSONAS / name).glob("*.yml")):
        personas += yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for persona in personas:
        persona["facts"] = {key: yes_no(value) for key, value in persona["facts"].items()}
    return personas


def yes_no(value: object) -> object:
    """"yes" / "no" for a boolean, the value itself otherwise."""
    return ("yes" if value else "no") if isinstance(value, bool) else value


def expected_level(persona: dict) -> str:
    """What the placement recommends for the persona's true facts."""
    return recommend_level(make_intake(persona["facts"])).level


class Client:
    """The REST channel and the tracker of a running assistant."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url.rstrip("/"), token

    def new_sender(self) -> str:
        """A conversation id issued by the server (the REST channel refuses any other)."""
        request = urllib.request.Request(f"{self.url}/webhooks/rest/session", b"", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["sender"]

    def say(self, sender: str, text: str) -> list[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", body,
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def tracker(self, sender: str) -> dict:
        with urllib.request.urlopen(f"{self.url}/conversations/{sender}/tracker?token={self.token}",
                                    timeout=30) as response:
            return json.loads(response.read())


def typo(text: str, rng: random.Random) -> str:
    """The text with two neighbouring letters of one word swapped."""
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    j = rng.randrange(1, len(words[i]) - 2)
    w = words[i]
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def button_for(replies: list[dict], criterion: str, value: object) -> str | None:
    """The payload of the quick reply that states `value` for `criterion`, if the reply has one."""
    wanted = value if isinstance(value, list) else [value]
    for message in replies:
        for button in message.get("buttons") or []:
            payload = str(button.get("payload") or "")
            if "{" in payload:
                try:
                    values = json.loads(payload[payload.index("{"):])
                except ValueError:
                    continue
                if values.get(criterion) in wanted:
                    return payload
    return None


class Person:
    """Answers from a persona's sheet, like a person would."""

    def __init__(self, persona: dict, mode: str, rng: random.Random):
        self.persona, self.mode, self.rng = persona, mode, rng
        self.said: dict[str, int] = {}
        self.questions = list(persona.get("questions") or [])
        self.over_answers = list(persona.get("over_answers") or [])

    def answer(self, criterion: str, times_in_a_row: int, replies: list[dict]) -> str:
        """What to say to the question about `criterion`, asked `times_in_a_row` times so far."""
        facts, say = self.persona["facts"], self.persona.get("say") or {}
        if times_in_a_row >= 2 and self.mode == "clicks":
            payload = button_for(replies, criterion, facts.get(criterion))
            if payload:
                return payload
        count = self.said.get(criterion, 0)
        self.said[criterion] = count + 1
        vague = (self.persona.get("vague") or {}).get(criterion)
        if count == 0 and vague and self.rng.random() < 0.6:
            return vague
        if count == 0 and self.over_answers and self.rng.random() < 0.25:
            fitting = [o for o in self.over_answers if criterion in (o.get("covers") or [])]
            if fitting:
                chosen = fitting[0]
                self.over_answers.remove(chosen)
                return chosen["text"]
        options = [str(s) for s in say.get(criterion) or []] or [str(facts.get(criterion))]
        text = options[(count + self.rng.randrange(len(options))) % len(options)]
        return typo(text, self.rng) if self.rng.random() < 0.1 else text

    def also_answer(self, criterion: str, slots: dict) -> str:
        """When the question asks about a second criterion still unknown ("... and when could you come?"), most
        people answer that part too, in their own words (ANSWERS_BOTH_PARTS of the time)."""
        also = BY_ID[criterion].also_asks
        if not also or slots.get(also) is not None or self.rng.random() >= ANSWERS_BOTH_PARTS:
            return ""
        options = [str(s) for s in (self.persona.get("say") or {}).get(also) or []]
        return self.rng.choice(options) if options else ""

    def maybe_question(self) -> str | None:
        """Now and then a question about programs instead of an answer (each asked once)."""
        if self.questions and self.rng.random() < 0.12:
            return self.questions.pop(0)
        return None


def run_conversation(client: Client, persona: dict, mode: str, seed: int = 0) -> Result:
    """One simulated conversation to the recommendation (or MAX_TURNS)."""
    rng = random.Random(f"{persona['id']}-{mode}-{seed}")
    person = Person(persona, mode, rng)
    result = Result(persona["id"], mode, expected_level(persona))
    sender = client.new_sender()
    asked: list[str] = []
    pending = list(persona.get("opening") or ["hi, I need help"])
    text = pending.pop(0)
    answering = False  # whether `text` answers a question of the intake
    for _ in range(MAX_TURNS):
        replies = client.say(sender, text)
        result.turns += 1
        shown = " | ".join(str(m.get("text", ""))[:160].replace("\n", " ") for m in replies)
        result.transcript.append(f"PERSON: {text}\nBOT:    {shown}")
        customs = [m.get("custom") or {} for m in replies]
        was_answer, answering = answering, False
        recommendation = next((c for c in customs if c.get("type") == "recommendation"), None)
        if recommendation:
            result.level = recommendation.get("level")
            result.misread = misread(persona["facts"], (client.tracker(sender).get("slots") or {}))
            return result
        if not replies or FAILED_MARK in shown.lower() or (NOT_FOLLOWED_MARK in shown.lower() and was_answer):
            result.unfitting.append(text)  # "not sure how to answer that" is unfitting only for an answer
        crisis = next((c for c in customs if c.get("type") == "crisis"), None)
        if crisis:
            result.alarmed_by.append(f"{'safety question' if crisis.get('check') else 'CRISIS RESPONSE'}: {text}")
        if crisis and crisis.get("check"):
            result.checks += 1
            text = "no"
            continue
        if crisis:
            result.crisis += 1
            text = "I'm safe, I was just explaining. continue"
            continue
        tracker = client.tracker(sender)
        slots = tracker.get("slots") or {}
        requested = slots.get("requested_slot")
        if START_OVER_MARK in shown and not requested:
            text = "no, keep going"  # the person never meant to clear their answers
            continue
        if SUMMARY_MARK in shown and not requested:
            text = "yes, that's right"
            continue
        if pending:
            text = pending.pop(0)
            continue
        if requested == "consent":
            text = rng.choice(CONSENT_ANSWERS)
            continue
        if requested in BY_ID:
            if FAQ_FALLBACK_MARK in shown and asked and asked[-1] == requested and not text.endswith("?"):
                result.unfitting.append(text)  # an answer taken for an unknown question
            asked.append(requested)
            in_a_row = times_in_a_row(asked, requested)
            if in_a_row >= 3:
                result.loops.append(requested)
            question = person.maybe_question()
            text, answering = question or person.answer(requested, in_a_row, replies), question is None
            both = person.also_answer(requested, slots) if answering and in_a_row == 1 else ""
            text = f"{text.rstrip()} {both}" if both and not text.startswith("/") else text
            continue
        text = "help me find a program" if not tracker.get("active_loop", {}).get("name") else "continue"
    return result


def misread(facts: dict, slots: dict) -> dict[str, tuple]:
    """The criteria the assistant ended up with a value other than the persona's (unknown included)."""
    wrong = {}
    for key, true in facts.items():
        got = slots.get(key)
        same = sorted(got) == sorted(true) if isinstance(true, list) and isinstance(got, list) else got == true
        if got is not None and not same:
            wrong[key] = (got, true)
    return wrong


def report(results: list[Result], out: Path | None) -> dict:
    """Print the figures; write each failure's transcript under `out`."""
    n = len(results)
    figures = {
        "conversations": n,
        "right level": sum(r.right for r in results),
        "reached a recommendation": sum(r.level is not None for r in results),
        "with a loop": sum(bool(r.loops) for r in results),
        "turns without a fitting reply": sum(len(r.unfitting) for r in results),
        "crisis responses": sum(r.crisis for r in results),
        "safety questions": sum(r.checks for r in results),
        "median turns": statistics.median(r.turns for r in results) if results else 0,
        "worst turns": max((r.turns for r in results), default=0),
    }
    for key, value in figures.items():
        share = f" ({value / n:.1%})" if key in ("right level", "reached a recommendation") and n else ""
        print(f"  {key:30} {value}{share}")
    misreads = Counter(key for r in results for key in r.misread)
    print("  misread criteria (conversations): " + ", ".join(f"{k} {v}" for k, v in misreads.most_common()))
    for r in results:
        for alarm in r.alarmed_by:
            print(f"    {r.persona} {alarm}")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for r in results:
            if not r.ok:
                (out / f"{r.persona}-{r.mode}.txt").write_text(
                    f"persona {r.persona}, mode {r.mode}: expected {r.expected}, got {r.level}; loops {r.loops}; "
                    f"unfitting {r.unfitting}; crisis {r.crisis}; misread {r.misread}\n\n"
                    + "\n".join(r.transcript) + "\n")
        rows = [f"{r.persona}\t{key}\t{understood}\t{true}" for r in results
                for key, (understood, true) in r.misread.items()]
        header = "persona\tcriterion\tunderstood\ttrue\n"
        (out / "misreads.tsv").write_text(header + "".join(f"{row}\n" for row in rows))
    return figures


def main() -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", help="persona set under tests/data/personas (default: all)")
    parser.add_argument("--mode", choices=MODES, action="append", help="clicks or typing (default: both)")
    parser.add_argument("--url", help="a running Rasa server (default: start one)")
    parser.add_argument("--token", default="simulate-token", help="the Rasa server's token")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "simulate", help="failure transcripts")
    args = parser.parse_args()
    sets = args.set or sorted(p.name for p in PERSONAS.iterdir() if p.is_dir())
    modes = args.mode or list(MODES)
    processes = ()
    url = args.url
    if url is None:
        url, processes = start_assistant(args.token)
    try:
        client = Client(url, args.token)
        for name in sets:
            personas = load_personas(name)
            for mode in modes:
                print(f"\n{name} / {mode}: {len(personas)} personas")
                results = [run_conversation(client, persona, mode) for persona in personas]
                report(results, args.out / name / mode)
    finally:
        if processes:
            from bot.app.launcher import stop

            stop(*processes)
    return 0


def start_assistant(token: str) -> tuple[str, tuple]:
    """Start the Rasa and action servers on free ports with a temporary data folder."""
    import socket
    import tempfile

    from bot.app.launcher import Ports, start_services, wait_until_up
    from bot.app.model import ensure_model

    def free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    ports = Ports(rasa=free_port(), actions=free_port())
    base = Path(tempfile.mkdtemp(prefix="simulate-"))
    os.environ.setdefault("INTAKE_RATE_BURST", "100000")  # a load test, not a person: no rate limit
    actions, rasa = start_services(ensure_model(), ports, base / "var", token, log_dir=base)
    wait_until_up(f"http://localhost:{ports.actions}/health", actions)
    wait_until_up(f"http://localhost:{ports.rasa}/", rasa)
    return f"http://localhost:{ports.rasa}", (actions, rasa)


if __name__ == "__main__":
    sys.exit(main())
