"""The chat widget in a real browser (Debian's Chromium through Playwright), on the demo provider page."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest

from tests.e2e.webpage import BOT_MESSAGES, Widget, screenshot, serious_violations

# The answers in the order the form asks them after the packed opening (see bot/web/scenarios.json).
BEFORE_RELOAD = ["I got out of rehab two weeks ago, I work full time and my wife has my back", "heroin", "moderate"]
AFTER_RELOAD = ["no", "no", "no", "stable", "about 10 hours", "evenings", "no", "I have insurance", "yes"]
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> & <b>bold</b>'


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def open_demo(context, web):
    """A new page on the demo provider site with the widget open."""
    page = context.new_page()
    page.goto(web.url + "/demo.html")
    widget = Widget(page)
    widget.open()
    return page, widget


@pytest.fixture(scope="module")
def finished(browser, web, assistant):
    """One full conversation in the widget, with a reload in the middle; yields what it left behind."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(web.url + "/demo.html")
    widget = Widget(page)
    widget.open()
    assert "intake assistant" in page.locator(BOT_MESSAGES).first.inner_text()
    widget.click_reply("Yes, let's start")
    for text in BEFORE_RELOAD:
        widget.say(text)
    session = widget.session_id()
    shown = page.locator("#intake-widget .msg").count()

    page.reload()
    widget = Widget(page)
    page.locator(BOT_MESSAGES).first.wait_for()
    after_reload = {"session": widget.session_id(), "shown": page.locator("#intake-widget .msg").count(),
                    "last": widget.last_bot_text()}
    for text in AFTER_RELOAD:
        widget.say(text)
    assert "Here is what I understood" in widget.last_bot_text()
    widget.click_reply("Yes, that's right")
    card = page.locator("#intake-widget .msg.card")
    card.wait_for()
    page.wait_for_timeout(300)
    landed = card.evaluate(
        "(node) => node.getBoundingClientRect().top - node.parentElement.getBoundingClientRect().top")
    path = screenshot(page, "widget-recommendation")
    storage = page.evaluate("() => Object.entries(sessionStorage)")
    yield {"page": page, "session": session, "shown": shown, "after_reload": after_reload, "errors": errors,
           "landed": landed, "screenshot": path, "storage": storage, "tracker": assistant.tracker(session)}
    context.close()


def test_a_full_conversation_ends_in_the_recommendation_card(finished):
    card = finished["page"].locator("#intake-widget .msg.card")
    assert card.locator("h3").inner_text() == "Suggested: Intensive outpatient program (IOP)"
    reasons = card.locator("ul.reasons li")
    assert reasons.count() >= 1
    assert "step after leaving residential" in card.inner_text()
    assert card.locator("dl.program dt").first.inner_text() == "Days"
    assert "(sources" not in card.inner_text()  # no document numbers in the reasons
    sources = card.locator("details.sources")
    assert sources.locator("summary").inner_text() == "Where this comes from"
    sources.locator("summary").click()
    assert re.search(r"intensive outpatient program.*\(document 00\d\)", sources.inner_text(), re.IGNORECASE)
    next_step = card.locator(".next-step")
    assert next_step.get_by_role("button", name="Request a call back").is_visible()
    assert next_step.get_by_role("link", name="Call (555) 010-0199").get_attribute("href") == "tel:5550100199"
    assert next_step.get_by_role("button", name="Ask a question").is_visible()
    assert "Monday to Friday" in next_step.inner_text()


def test_a_question_and_a_correction_at_the_summary(context, web):
    """At the summary a question is answered and the summary asked again with its buttons; a correction in words
    asks that answer again, and the new summary leads to the card."""
    page, widget = open_demo(context, web)
    widget.click_reply("Yes, let's start")
    for text in BEFORE_RELOAD + AFTER_RELOAD:
        widget.say(text)
    assert "Here is what I understood" in widget.last_bot_text()
    widget.say("how much does IOP cost compared to inpatient?")
    assert "Back to the summary above" in widget.last_bot_text()
    assert page.locator("#intake-widget button.quick:enabled", has_text="Yes, that's right").count() >= 1
    widget.say("wait, the withdrawal part is wrong")
    assert "withdrawal" in widget.last_bot_text().lower()
    widget.say("mild, a bit shaky in the mornings")
    assert "Here is what I understood" in widget.last_bot_text()
    assert "Withdrawal: mild" in widget.last_bot_text()
    widget.click_reply("Yes, that's right")
    page.locator("#intake-widget .msg.card h3").wait_for()


def test_the_card_opens_at_its_headline_on_desktop_and_phone(browser, web, finished):
    assert 0 <= finished["landed"] <= 24, finished["landed"]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    entries = json.dumps(finished["storage"])
    context.add_init_script(f"for (const [k, v] of {entries}) sessionStorage.setItem(k, v);")
    page = context.new_page()
    page.goto(web.url + "/demo.html")
    card = page.locator("#intake-widget .msg.card")
    card.wait_for()
    headline = card.locator("h3").bounding_box()
    log = page.locator("#intake-widget .log").bounding_box()
    assert log["y"] <= headline["y"] <= log["y"] + 40, (headline, log)
    screenshot(page, "widget-recommendation-phone")
    context.close()
    assert finished["errors"] == []


def test_the_session_id_is_issued_by_the_server_and_kept_in_session_storage(finished):
    assert re.fullmatch(r"[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{24}", finished["session"])  # bot/app/sessions.py
    assert finished["tracker"]["sender_id"] == finished["session"]


def test_a_reload_mid_conversation_shows_it_and_continues_it(finished):
    after = finished["after_reload"]
    assert after["session"] == finished["session"]
    assert after["shown"] == finished["shown"]  # the whole transcript is back
    assert "How much is it affecting your life" not in after["last"]  # it was past that question
    slots = finished["tracker"]["slots"]
    assert slots["recent_treatment"] == "residential_discharge"  # answered before the reload
    assert slots["home"] == "stable"  # answered after it: one conversation
    assert slots["recommended_level"] == "iop"


def test_widget_and_card_have_no_serious_accessibility_violations(browser, web, finished):
    # axe-core is injected as an inline script, so this context bypasses the page's CSP; the transcript
    # (with the card) is restored from sessionStorage as after a reload.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    entries = json.dumps(finished["storage"])
    context.add_init_script(f"for (const [k, v] of {entries}) sessionStorage.setItem(k, v);")
    page = context.new_page()
    page.goto(web.url + "/demo.html")
    page.locator("#intake-widget .msg.card").wait_for()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Close the chat").click()
    assert serious_violations(page) == []
    context.close()


def test_a_script_message_is_shown_as_text_never_run(context, web):
    page, widget = open_demo(context, web)
    widget.say(HOSTILE)
    mine = page.locator("#intake-widget .msg.user").last
    assert mine.inner_text().endswith(HOSTILE)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#intake-widget .log img, #intake-widget .log script, #intake-widget .log b").count() == 0
    page.reload()
    page.locator("#intake-widget .msg.user").last.wait_for()
    assert page.locator("#intake-widget .msg.user").last.inner_text().endswith(HOSTILE)
    assert page.evaluate("() => window.__pwned") is None


def test_an_answer_to_a_question_says_what_it_is_about_and_its_sources(context, web):
    page, widget = open_demo(context, web)
    widget.say("how long does an IOP usually last?")
    answer = page.locator(BOT_MESSAGES).last
    assert answer.locator(".topic").inner_text() == "About: How long an IOP lasts"
    assert "90 days" in answer.inner_text()
    sources = answer.locator("details.sources")
    sources.locator("summary").click()
    assert "How long an IOP lasts" not in sources.inner_text()  # titles of the documents, not of the answer
    for document in ("000", "002", "003", "004"):
        assert f"(document {document})" in sources.inner_text()
    screenshot(page, "widget-faq")


def test_crisis_response_is_a_banner_with_tap_to_call_links(context, web):
    page, widget = open_demo(context, web)
    widget.say("I want to kill myself")
    banner = page.locator("#intake-widget .msg.crisis")
    assert banner.get_attribute("role") == "alert"
    hrefs = {link.get_attribute("href") for link in banner.locator("a").all()}
    assert {"tel:988", "sms:988", "tel:911", "tel:18006624357"} <= hrefs
    pinned = page.locator("#intake-widget .crisis-pinned a")
    assert {link.get_attribute("href") for link in pinned.all()} >= {"tel:988", "sms:988", "tel:911"}
    assert all(link.bounding_box()["height"] >= 44 for link in pinned.all())
    assert all(link.bounding_box()["height"] >= 44 for link in banner.locator("a").all())
    # one safety element at the top: the note turned into the crisis bar
    assert page.locator("#intake-widget .safety").count() == 1
    assert "Not an emergency service" not in page.locator("#intake-widget .safety").inner_text()
    screenshot(page, "widget-crisis")


def test_the_safety_question_has_yes_and_no_and_a_quick_reply_returns_focus_to_the_text_box(context, web):
    page, widget = open_demo(context, web)
    widget.click_reply("Yes, let's start")
    focused = ("() => document.activeElement.shadowRoot && document.activeElement.shadowRoot.activeElement"
               " && document.activeElement.shadowRoot.activeElement.id")
    assert page.evaluate(focused) == "iw-input"
    widget.say("yes you can store them")
    widget.say("alcohol. some days i feel like i cant do this anymore")
    check = page.locator("#intake-widget .msg.crisis.check").last
    check.wait_for()
    buttons = [b.inner_text() for b in check.locator("button.quick").all()]
    assert len(buttons) == 2, buttons
    widget.click_reply(buttons[1])  # the "No" side: not in danger
    assert page.evaluate(focused) == "iw-input"
    assert "?" in widget.last_bot_text()  # the intake goes on with its next question


def test_deleting_my_information_clears_the_tab_too(context, web):
    page, widget = open_demo(context, web)
    widget.click_reply("Yes, let's start")
    widget.say("yes you can store them")
    widget.say("alcohol, mostly whiskey")
    widget.say("delete my information")
    widget.input.fill("yes")  # the log is cleared, so not widget.say (it waits for one more message)
    widget.input.press("Enter")
    page.locator("#intake-widget .msg.bot", has_text="have been deleted").wait_for()
    stored = page.evaluate("() => JSON.stringify(Object.entries(sessionStorage))")
    assert "whiskey" not in stored and "have been deleted" in stored
    assert "whiskey" not in page.locator("#intake-widget .log").inner_text()
    page.reload()
    page.locator(BOT_MESSAGES).first.wait_for()
    assert "whiskey" not in page.locator("#intake-widget .log").inner_text()


def test_a_reply_that_never_comes_is_said_so_not_left_as_silence(context, web):
    page = context.new_page()

    def drop_replies(ws):
        server = ws.connect_to_server()
        server.on_message(lambda message: None if "bot_uttered" in str(message) else ws.send(message))

    page.route_web_socket(re.compile(r".*/socket\.io/.*"), drop_replies)
    page.goto(web.url + "/demo.html")
    page.get_by_role("button", name=re.compile("Chat with us")).click()
    widget = Widget(page)
    page.wait_for_function("() => Object.keys(sessionStorage).some((k) => k.startsWith('intake-widget:')"
                           " && JSON.parse(sessionStorage.getItem(k)).id)")  # connected, in real time
    assert widget.session_id()
    page.clock.install()  # from here the widget's timers run on a clock the test moves
    widget.input.fill("hello")
    widget.input.press("Enter")
    status = page.locator("#intake-widget .status")
    page.clock.run_for(13000)
    status.filter(has_text="taking longer than usual").wait_for()
    page.clock.run_for(20000)
    status.filter(has_text="has not answered").wait_for()
    assert "988" in status.inner_text()


def test_reconnects_after_a_dropped_connection_and_keeps_the_conversation(context, web, assistant):
    sockets = []

    def proxy(ws):
        ws.connect_to_server()
        sockets.append(ws)

    page = context.new_page()
    page.route_web_socket(re.compile(r".*/socket\.io/.*"), proxy)
    page.goto(web.url + "/demo.html")
    widget = Widget(page)
    widget.open()
    widget.say("yes let's start")
    session = widget.session_id()
    shown = page.locator("#intake-widget .msg").count()
    sockets[-1].close()  # the connection drops
    page.locator("#intake-widget .status", has_text="Reconnecting").wait_for(timeout=10000)
    page.wait_for_function("() => document.querySelector('#intake-widget').shadowRoot"
                           ".querySelector('.status').textContent === ''", timeout=20000)
    assert len(sockets) >= 2  # a new connection
    widget.say("alcohol")
    assert page.locator("#intake-widget .msg").count() > shown
    assert widget.session_id() == session
    assert assistant.slots(session)["substances"] == ["alcohol"]


def test_keyboard_only_with_visible_focus(context, web):
    page = context.new_page()
    page.goto(web.url + "/demo.html")
    for _ in range(10):  # tab through the host page to the widget's launcher
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id === 'intake-widget'"):
            break
    focused = "() => document.activeElement.shadowRoot && document.activeElement.shadowRoot.activeElement"
    assert page.evaluate(f"() => ({focused})().className") == "launcher"
    outline = page.evaluate(f"() => getComputedStyle(({focused})()).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    page.locator(BOT_MESSAGES).first.wait_for()
    assert page.evaluate(f"() => ({focused})().id") == "iw-input"
    page.keyboard.type("yes let's start")
    before = Widget(page).bot_count()
    page.keyboard.press("Enter")
    Widget(page).wait_for_bot(before)
    page.keyboard.press("Escape")
    assert page.evaluate(f"() => ({focused})().className") == "launcher"
    assert page.locator("#intake-widget .panel").is_hidden()


def test_usable_on_a_phone_sized_screen(browser, web):
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(web.url + "/demo.html")
    widget = Widget(page)
    widget.open()
    box = page.locator("#intake-widget .panel").bounding_box()
    assert box["width"] <= 375 and box["height"] <= 667
    assert page.get_by_label("Your message").is_visible()
    screenshot(page, "widget-phone")
    inside = "() => document.activeElement && document.activeElement.id === 'intake-widget'"
    for _ in range(25):  # the panel covers the page: Tab cycles inside it
        page.keyboard.press("Tab")
        assert page.evaluate(inside)
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(inside)
    context.close()


def test_rasa_http_api_needs_its_token(assistant):
    url = f"http://localhost:{assistant.ports.rasa}/conversations/anyone/tracker"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 401
    with pytest.raises(urllib.error.HTTPError) as wrong:
        urllib.request.urlopen(url + "?token=guess", timeout=10)
    assert wrong.value.code == 401

