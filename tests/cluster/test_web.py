"""The chat widget and the counselor console, unchanged, through the cluster profile's nginx (socket.io over a
websocket to one replica, the console's REST chat and tracker reads round robin over both)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.stack import COUNSELOR_TOKEN, TOKEN
from tests.e2e.test_console import say as console_say
from tests.e2e.webpage import BOT_MESSAGES, Widget

ANSWERS = ["heroin", "moderate", "no", "no", "no", "stable", "about 10 hours", "evenings", "no", "I have insurance",
           "yes"]


@pytest.fixture(scope="module")
def stack(shared_stack):
    return shared_stack


@pytest.fixture(scope="module")
def web_url(stack):
    """bot.web pointed at nginx, as `make run PROFILE=cluster` starts it."""
    from bot.web.server import WebConfig, serve

    server = serve(WebConfig(stack.url, TOKEN, COUNSELOR_TOKEN, stack.var_dir / "intake.db"), 0)
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()


def test_the_widget_talks_through_nginx_across_a_reload(browser, web_url, stack):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(web_url + "/demo.html")
        widget = Widget(page)
        widget.open()
        assert "intake assistant" in page.locator(BOT_MESSAGES).first.inner_text()
        widget.click_reply("Yes, let's start")
        widget.say("I got out of rehab two weeks ago, I work full time and my wife has my back")
        session = widget.session_id()
        page.reload()
        widget = Widget(page)
        page.locator(BOT_MESSAGES).first.wait_for()
        assert widget.session_id() == session
        for text in ANSWERS:
            widget.say(text)
        assert "Here is what I understood" in widget.last_bot_text()
        widget.click_reply("Yes, that's right")
        card = page.locator("#intake-widget .msg.card")
        card.wait_for()
        assert card.locator("h3").inner_text() == "Suggested: Intensive outpatient program (IOP)"
        assert stack.tracker(session, 0)["events"] == stack.tracker(session, 1)["events"]
        assert errors == []
    finally:
        context.close()


def test_the_console_logs_in_and_its_test_chat_fills_the_inspector(browser, web_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        page = context.new_page()
        page.goto(web_url + "/console")
        page.get_by_label("Your name").fill("Dana Counselor")
        page.get_by_label("Counselor token").fill(COUNSELOR_TOKEN)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/console$"))
        page.locator("body[data-ready=true]").wait_for()
        page.get_by_role("link", name="Test chat").click()
        page.locator("#test-chat:not([hidden])").wait_for()
        page.wait_for_function("() => !!sessionStorage.getItem('console-conversation')")
        console_say(page, "yes let's start")
        console_say(page, "yes, you can store my answers")
        assert "consent to store: given" in page.locator("#inspector-status").inner_text()
        console_say(page, "heroin")
        assert "opioids" in page.locator('#dimensions tr[data-criterion="substances"] td.value').inner_text()
    finally:
        context.close()
