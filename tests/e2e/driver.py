"""Drive a scripted conversation: say the opening lines, answer whatever the form asks (and "no" to a safety
question, as a person who is safe would), confirm."""

from __future__ import annotations

from dataclasses import dataclass, field

SUMMARY_MARK = "Here is what I understood"


@dataclass
class Conversation:
    """What happened in one scripted conversation."""

    transcript: list[tuple[str, list[dict]]] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    safety_questions: int = 0

    @property
    def replies(self) -> list[dict]:
        return [message for _, replies in self.transcript for message in replies]

    def payloads(self, kind: str) -> list[dict]:
        return [m["custom"] for m in self.replies if (m.get("custom") or {}).get("type") == kind]

    @property
    def recommendation(self) -> dict | None:
        found = self.payloads("recommendation")
        return found[-1] if found else None

    def texts(self) -> str:
        return "\n".join(m.get("text", "") for m in self.replies)


def is_safety_question(replies: list[dict]) -> bool:
    """True when the reply is the direct safety question (not the full crisis response)."""
    return any((m.get("custom") or {}).get("type") == "crisis" and (m.get("custom") or {}).get("check")
               for m in replies)


def last_text(replies: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in replies)


def talk(assistant, sender: str, opening: list[str], answers: dict[str, list[str] | str],
         confirm: str | None = "yes, that's right", max_turns: int = 40) -> Conversation:
    """Say `opening`, then answer each question the form asks from `answers` (per criterion)."""
    queued = {key: [value] if isinstance(value, str) else list(value) for key, value in answers.items()}
    queued.setdefault("consent", ["yes"])
    convo = Conversation()

    def say(text: str) -> list[dict]:
        replies = assistant.say(sender, text)
        convo.transcript.append((text, replies))
        return replies

    replies: list[dict] = []
    resume = False
    for line in opening:
        replies = say(line)
    for _ in range(max_turns):
        if is_safety_question(replies):  # as a person who is safe would: "no", and the conversation goes on
            convo.safety_questions += 1
            replies = say("no, I'm safe")
            resume = True
            continue
        tracker = assistant.tracker(sender)
        requested = tracker["slots"].get("requested_slot")
        if (tracker.get("active_loop") or {}).get("name") == "intake_form" and requested:
            convo.asked.append(requested)
            if not queued.get(requested):
                raise AssertionError(f"asked about {requested!r} with no scripted answer; bot said:\n"
                                     f"{last_text(replies)}")
            replies = say(queued[requested].pop(0))
        elif SUMMARY_MARK in last_text(replies):
            if confirm:
                say(confirm)
            return convo
        elif resume:  # the question came before the intake started: the person asks to begin
            resume = False
            replies = say("ok, I'd like to start the questions")
        else:
            raise AssertionError(f"conversation stalled; bot said:\n{last_text(replies)}")
    raise AssertionError("conversation did not finish")
