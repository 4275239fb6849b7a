"""The counselor console in a real browser: login, the live inspector, what-if, intakes, disposition, export."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from bot.records import console_store, work_queue
from bot.records.storage import open_db, record_event
from bot.records.work_queue import reference
from tests.e2e.stack import COUNSELOR_TOKEN
from tests.e2e.webpage import BOT_MESSAGES, Widget, screenshot, serious_violations

COUNSELOR = "Dana Counselor"
NOTE = "Called back: my name is Sarah Miller, phone (555) 123-4567, email sarah.miller@example.com"
ANSWERS = ["heroin", "moderate", "no", "no", "no", "stable", "about 10 hours", "evenings", "no", "I have insurance",
           "yes", "yes, that's right"]


def criterion(page, criterion_id):
    return page.locator(f'#dimensions tr[data-criterion="{criterion_id}"]')


@pytest.fixture(scope="module")
def console(browser, web):
    """A logged-in console page (CSP bypassed only so that axe-core can be injected)."""
    db = open_db(web.db_path)
    record_event(db, "handoff", "conversation-waiting-for-a-person", "requested")
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(web.url + "/console")
    assert page.url.endswith("/console/login")
    page.get_by_label("Your name").fill(COUNSELOR)
    page.get_by_label("Counselor token").fill(COUNSELOR_TOKEN)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/console$"))
    page.locator("body[data-ready=true]").wait_for()
    yield page, db, errors
    context.close()


def say(page, text):
    """Type a client message in the chat pane and wait for the inspector to refresh."""
    before = page.locator("#chat-log .msg.bot").count()
    page.get_by_label("Message to the assistant").fill(text)
    page.get_by_label("Message to the assistant").press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll('#chat-log .msg.bot').length > {before}")
    page.wait_for_function("() => document.getElementById('chat-status').textContent === ''")


def test_wrong_token_is_refused(browser, web):
    context = browser.new_context()
    page = context.new_page()
    page.goto(web.url + "/console/login")
    page.get_by_label("Your name").fill("Mallory")
    page.get_by_label("Counselor token").fill("not-the-token")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().startswith("That did not work")
    assert page.request.get(web.url + "/console/api/overview").status == 401
    context.close()


def test_the_queue_opens_first_with_the_waiting_handoff(console):
    page, _, _ = console
    assert page.locator("#queue").is_visible() and page.locator("#test-chat").is_hidden()
    row = page.locator("#queue-rows tr", has_text=reference("conversation-waiting-for-a-person"))
    row.wait_for()
    assert "Asked for a person" in row.inner_text() and "New" in row.inner_text()
    assert re.search(r"(just now|min ago)", row.inner_text())
    assert "T" not in row.locator("td").first.inner_text()  # local, relative time, not an ISO stamp
    assert int(page.locator("#open-count").inner_text()) >= 1
    screenshot(page, "console-queue")


def test_criteria_fill_live_while_chatting(console):
    page, _, errors = console
    page.get_by_role("link", name="Test chat").click()
    page.locator("#test-chat:not([hidden])").wait_for()
    page.wait_for_function("() => !!sessionStorage.getItem('console-conversation')")
    say(page, "hi")
    assert page.locator("#intent").inner_text().startswith("greet (")
    say(page, "yes let's start")
    assert page.locator("#requested").inner_text() == "Consent to store the answers (consent)"
    say(page, "yes, you can store my answers")
    assert "consent to store: given" in page.locator("#inspector-status").inner_text()
    assert page.locator("#requested").inner_text().startswith("Substances")
    packed = "I got out of rehab two weeks ago, I work full time and my wife has my back"
    say(page, packed)
    row = criterion(page, "recent_treatment")
    assert "residential" in row.locator("td.value").inner_text().lower()
    assert packed in row.locator("td.origin").inner_text()
    assert packed in criterion(page, "support").locator("td.origin").inner_text()
    entities = page.locator("#entities").inner_text()
    assert "IntakeFactExtractor" in entities and "“wife has my back”" in entities
    assert "provisional" in page.locator("#recommendation").inner_text()
    headings = page.locator("#dimensions h5").all_inner_texts()
    assert len(headings) == 6 and headings[0].startswith("Dimension 1:")
    say(page, "heroin")
    assert "opioids" in criterion(page, "substances").locator("td.value").inner_text()
    assert "heroin" in criterion(page, "substances").locator("td.origin").inner_text()
    for text in ANSWERS[1:]:
        say(page, text)
    recommendation = page.locator("#recommendation").inner_text()
    assert "IOP" in recommendation and "sent to the client" in recommendation
    assert "sources" in recommendation
    assert errors == []


def test_what_if_shows_the_changed_recommendation(console):
    page, _, _ = console
    page.get_by_label("Change", exact=True).select_option("severity")
    page.locator("#whatif-value").select_option("severe")
    page.get_by_role("button", name="Show").click()
    result = page.locator("#whatif-result")
    result.locator("h5", has_text="What changes").wait_for()
    assert re.search(r"level: iop → \w+", result.inner_text())
    assert "If Severity were severe" in result.inner_text()
    screenshot(page.locator("#test-chat"), "console-inspector")


def test_every_view_has_no_serious_accessibility_violations(console, web):
    page, _, _ = console
    assert serious_violations(page) == []  # the test chat
    for view in ("#queue", "#intakes"):
        page.goto(web.url + "/console" + view)
        page.locator(f"{view}:not([hidden])").wait_for()
        page.wait_for_timeout(300)
        assert serious_violations(page) == [], view
    page.goto(web.url + "/console#queue")
    page.locator("#queue-rows a").first.click()
    page.locator("#item:not([hidden])").wait_for()
    page.wait_for_timeout(300)
    assert serious_violations(page) == [], "queue item"
    page.goto(web.url + "/console#intakes")
    page.locator("#intake-rows a").first.click()
    page.locator("#intake:not([hidden])").wait_for()
    page.wait_for_timeout(300)
    assert serious_violations(page) == [], "intake"


def test_save_a_disposition_and_export_it_redacted(console, web):
    page, db, _ = console
    page.goto(web.url + "/console#intakes")
    page.locator("#intakes:not([hidden])").wait_for()
    page.locator("#filters").get_by_role("button", name="Apply").click()
    page.locator("#intake-rows tr[data-intake]").first.wait_for()
    page.locator("#f-level").select_option("iop")
    page.locator("#filters").get_by_role("button", name="Apply").click()
    rows = page.locator("#intake-rows tr[data-intake]")
    rows.first.wait_for()
    intake_id = rows.first.get_attribute("data-intake")
    rows.first.get_by_role("link", name=re.compile("Open")).click()
    page.locator("#intake:not([hidden])").wait_for()
    dimensions = page.locator("#detail-dimensions")
    assert "Dimension 1: Acute intoxication and withdrawal potential" in dimensions.inner_text()
    assert "10 hours a week" in dimensions.inner_text()
    hours = dimensions.locator('td.own-words[data-criterion="hours_available"]')
    hours.filter(has_text="about 10 hours").wait_for()  # the person's own words, from the stored conversation
    page.locator("#detail-transcript-box summary").click()
    page.locator("#detail-transcript-status", has_text="messages.").wait_for()
    transcript = page.locator("#detail-transcript").inner_text()
    assert "Person: heroin" in transcript and "Assistant: " in transcript
    page.get_by_label("Disposition", exact=True).select_option("different_level")
    level = page.get_by_label("Place at which level?")
    assert level.is_visible()
    page.get_by_role("button", name="Save disposition").click()  # the browser asks for the level first
    assert console_store.intake_detail(db, intake_id)["disposition"] is None
    page.get_by_label("Disposition", exact=True).select_option("follow_up")
    assert level.is_hidden()
    page.get_by_label("Note", exact=True).fill(NOTE)
    page.get_by_role("button", name="Save disposition").click()
    page.locator("#disposition-status", has_text="Disposition saved.").wait_for()
    stored = console_store.intake_detail(db, intake_id)
    assert (stored["disposition"], stored["note"], stored["counselor"]) == ("follow_up", NOTE, COUNSELOR)
    saved = page.locator("#detail-saved").inner_text()
    assert f"Needs a follow-up call, by {COUNSELOR}" in saved and "Sarah Miller" in saved  # the note is shown
    screenshot(page.locator("#intake"), "console-intake")
    page.emulate_media(media="print")
    assert page.locator(".top").is_hidden() and page.locator("#disposition-form").is_hidden()
    screenshot(page, "console-intake-print")
    page.emulate_media(media="screen")

    exported = page.request.get(web.url + page.locator("#export").get_attribute("href"))
    assert exported.status == 200
    text = exported.text()
    for secret in ("Sarah", "Miller", "(555) 123-4567", "123-4567", "example.com"):  # not "555": ids are random hex
        assert secret not in text
    conversation = stored["conversation_id"]
    assert conversation not in text
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["reference"] == reference(conversation))
    assert row["disposition"] == "follow_up" and "[PHONE]" in row["note"] and "[EMAIL]" in row["note"]
    assert row["substances"] == "opioids" and row["hours_available"] == "10"


def test_every_view_edit_and_export_is_audited(console):
    page, db, _ = console
    audit = console_store.list_audit(db)
    actions = {row["action"] for row in audit if row["counselor"] == COUNSELOR}
    assert {"log in", "view overview", "view conversation", "view what-if", "view intake list", "view intake",
            "edit disposition", "export intakes CSV"} <= actions
    assert all(row["at"] for row in audit)
    assert not any("Sarah" in (row["detail"] or "") for row in audit)


def test_a_call_back_request_from_the_widget_reaches_the_queue_and_moves_through_the_statuses(console, browser, web):
    page, db, _ = console
    person = browser.new_context(viewport={"width": 1280, "height": 800})
    widget_page = person.new_page()
    widget_page.goto(web.url + "/demo.html")
    widget = Widget(widget_page)
    widget.open()
    widget.say("can I talk to a real person?")
    handoff = widget_page.locator(BOT_MESSAGES).filter(has=widget_page.locator(".next-step")).last
    handoff.get_by_role("button", name="Request a call back").click()
    form = widget_page.locator("#intake-widget form.callback")
    assert "never exported" in form.inner_text()
    form.get_by_label("First name (optional)").fill("Rosa")
    form.get_by_label("Phone number or email", exact=True).fill("(555) 301-7788")
    form.get_by_label("Best time to reach you").select_option("evening")
    form.get_by_role("button", name="Send my request").click()
    assert "tick the box" in form.locator(".form-error").inner_text().lower() or form.get_by_role("checkbox").evaluate(
        "(box) => !box.checkValidity()")
    form.get_by_role("checkbox").check()
    screenshot(widget_page, "widget-callback")
    form.get_by_role("button", name="Send my request").click()
    widget_page.locator("#intake-widget .msg.bot", has_text="Our intake team will contact you (evening)").wait_for()
    assert "301-7788" not in json.dumps(widget_page.evaluate("() => Object.entries(sessionStorage)"))
    conversation = widget.session_id()
    person.close()

    page.goto(web.url + "/console#queue")
    page.locator("#q-kind").select_option("callback")
    page.locator("#queue-filters").get_by_role("button", name="Apply").click()
    row = page.locator("#queue-rows tr.kind-callback", has_text=reference(conversation))
    row.wait_for()
    assert "Call-back request" in row.inner_text()
    row.get_by_role("link", name=re.compile("Open")).click()
    page.locator("#item:not([hidden])").wait_for()
    assert page.get_by_role("link", name="5553017788").get_attribute("href") == "tel:5553017788"
    assert "Rosa" in page.locator("#item-facts").inner_text() and "Evening" in page.locator("#item-facts").inner_text()
    page.get_by_role("button", name="Assign to me").click()
    page.locator("#item").get_by_role("button", name="Save").click()
    page.locator("#item-saved", has_text="Saved.").wait_for()
    for status, note in (("contacted", "Left a voicemail"), ("scheduled", "Assessment Thursday 6pm"), ("closed", "")):
        page.locator("#item").get_by_label("Status").select_option(status)
        page.get_by_label("Follow-up note").fill(note)
        page.locator("#item").get_by_role("button", name="Save").click()
        page.locator("#item-history li", has_text=f"→ {status.capitalize()}").wait_for()
    history = page.locator("#item-history").inner_text()
    assert "New → Assigned" in history and "Assessment Thursday 6pm" in history and COUNSELOR in history
    screenshot(page.locator("#item"), "console-callback")
    item = next(i for i in work_queue.list_items(db, kind="callback", status="closed")["items"]
                if i["reference"] == reference(conversation))
    assert item["assignee"] == COUNSELOR


def test_reset_starts_a_new_conversation(console, web):
    page, _, _ = console
    page.goto(web.url + "/console#test-chat")
    page.locator("#test-chat:not([hidden])").wait_for()
    page.wait_for_function("() => !!sessionStorage.getItem('console-conversation')")
    old = page.evaluate("() => sessionStorage.getItem('console-conversation')")
    page.get_by_role("button", name="Reset conversation").click()  # asks the Rasa server for a new id
    page.wait_for_function("(old) => sessionStorage.getItem('console-conversation') !== old", arg=old)
    new = page.evaluate("() => sessionStorage.getItem('console-conversation')")
    assert new != old and new.startswith("console-")
    assert page.locator("#chat-log .msg").count() == 0
    assert page.locator("#recommendation").inner_text() == "None yet."


def test_a_saved_scenario_runs_to_its_end(console):
    page, _, _ = console
    page.locator("#test-chat:not([hidden])").wait_for()
    page.get_by_label("Saved scenario").select_option("crisis_mid_intake")
    page.get_by_role("button", name="Run scenario").click()
    page.locator("#chat-log .msg.crisis").wait_for(timeout=60000)
    page.wait_for_function("() => !document.getElementById('run-scenario').disabled", timeout=60000)
    assert "in crisis" in page.locator("#inspector-status").inner_text()


def test_logout(console, web):
    page, _, _ = console
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/console/login$"))
    assert page.request.get(web.url + "/console/api/overview").status == 401
    page.goto(web.url + "/console")
    assert page.url.endswith("/console/login")
