"""Helpers for the browser tests: drive the widget, run axe-core, keep screenshots."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.e2e.stack import SCREENSHOTS

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BOT_MESSAGES = "#intake-widget .msg.bot, #intake-widget .msg.crisis"


def serious_violations(page, include: str | None = None) -> list[str]:
    """axe-core (from node_modules) run in the page: the serious and critical WCAG violations, described."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async (include) => {
            const options = {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}};
            const result = await axe.run(include ? {include: [include]} : document, options);
            return result.violations.filter((v) => ["serious", "critical"].includes(v.impact))
              .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join("; ")}`);
        }""",
        include,
    )
    return results


def screenshot(target, name: str) -> Path:
    """Save a screenshot of a page or one element under results/screenshots (a test artifact, git-ignored)."""
    path = SCREENSHOTS / f"{name}.png"
    target.screenshot(path=str(path))
    return path


class Widget:
    """The chat widget on a page, driven as a person would."""

    def __init__(self, page) -> None:
        self.page = page
        self.input = page.get_by_label("Your message")

    def open(self) -> None:
        self.page.get_by_role("button", name=re.compile("Chat with us")).click()
        self.wait_for_bot(0)

    def bot_count(self) -> int:
        return self.page.locator(BOT_MESSAGES).count()

    def session_id(self) -> str:
        return self.page.evaluate(
            "() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage)"
            ".find((k) => k.startsWith('intake-widget:')))).id")

    def wait_for_bot(self, before: int, timeout: float = 30) -> None:
        """Wait until a reply arrived after `before` bot messages and no more came for a moment."""
        deadline = time.monotonic() + timeout
        while self.bot_count() <= before:
            if time.monotonic() > deadline:
                raise AssertionError("no reply from the assistant")
            time.sleep(0.1)
        settled = self.bot_count()
        while time.monotonic() < deadline:
            time.sleep(0.8)
            if self.bot_count() == settled:
                return
            settled = self.bot_count()

    def say(self, text: str) -> None:
        before = self.bot_count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_bot(before)

    def click_reply(self, title: str) -> None:
        before = self.bot_count()
        self.page.locator("#intake-widget button.quick:enabled", has_text=title).last.click()
        self.wait_for_bot(before)

    def last_bot_text(self) -> str:
        return self.page.locator(BOT_MESSAGES).last.inner_text()
