"""The counselor console in a real browser: login, the live inspector, what-if, intakes, disposition, export."""

from __future__ import annotations

import csv
import io
import re

import pytest

from bot import console_store
from bot.storage import open_db, record_event
from tests.e2e.stack import COUNSELOR_TOKEN
from tests.e2e.webpage import screenshot, serious_violations

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


def test_open_handoffs_are_visible_at_a_glance(console):
    page, _, _ = console
    assert "requested · conversation conversation-w" in page.locator("#handoffs").inner_text()
    assert int(page.locator("#handoff-count").inner_text()) >= 1


def test_criteria_fill_live_while_chatting(console):
    page, _, errors = console
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


def test_console_has_no_serious_accessibility_violations(console):
    page, _, _ = console
    assert serious_violations(page) == []


def test_save_a_disposition_and_export_it_redacted(console, web):
    page, db, _ = console
    page.locator("#filters").get_by_role("button", name="Apply").click()
    page.locator("#intake-rows tr[data-intake]").first.wait_for()
    page.locator("#f-level").select_option("iop")
    page.locator("#filters").get_by_role("button", name="Apply").click()
    rows = page.locator("#intake-rows tr[data-intake]")
    rows.first.wait_for()
    intake_id = rows.first.get_attribute("data-intake")
    rows.first.get_by_role("button").click()
    page.locator("#detail:not([hidden])").wait_for()
    page.get_by_label("Disposition", exact=True).select_option("follow_up")
    page.get_by_label("Note", exact=True).fill(NOTE)
    page.get_by_role("button", name="Save disposition").click()
    page.locator("#disposition-status", has_text="Disposition saved.").wait_for()
    stored = console_store.intake_detail(db, intake_id)
    assert (stored["disposition"], stored["note"], stored["counselor"]) == ("follow_up", NOTE, COUNSELOR)
    assert "Needs a follow-up call" in page.locator(f'#intake-rows tr[data-intake="{intake_id}"]').inner_text()
    assert f"Needs a follow-up call by {COUNSELOR}" in page.locator("#detail-facts").inner_text()
    screenshot(page.locator("#intakes"), "console-intakes")

    exported = page.request.get(web.url + page.locator("#export").get_attribute("href"))
    assert exported.status == 200
    text = exported.text()
    for secret in ("Sarah", "Miller", "(555) 123-4567", "123-4567", "example.com"):  # not "555": ids are random hex
        assert secret not in text
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["intake_id"] == intake_id)
    assert row["disposition"] == "follow_up" and "[PHONE]" in row["note"] and "[EMAIL]" in row["note"]


def test_every_view_edit_and_export_is_audited(console):
    page, db, _ = console
    audit = console_store.list_audit(db)
    actions = {row["action"] for row in audit if row["counselor"] == COUNSELOR}
    assert {"log in", "view overview", "view conversation", "view what-if", "view intake list", "view intake",
            "edit disposition", "export intakes CSV"} <= actions
    assert all(row["at"] for row in audit)
    assert not any("Sarah" in (row["detail"] or "") for row in audit)


def test_reset_starts_a_new_conversation(console):
    page, _, _ = console
    old = page.evaluate("() => sessionStorage.getItem('console-conversation')")
    page.get_by_role("button", name="Reset conversation").click()  # asks the Rasa server for a new id
    page.wait_for_function("(old) => sessionStorage.getItem('console-conversation') !== old", arg=old)
    new = page.evaluate("() => sessionStorage.getItem('console-conversation')")
    assert new != old and new.startswith("console-")
    assert page.locator("#chat-log .msg").count() == 0
    assert page.locator("#recommendation").inner_text() == "None yet."


def test_a_saved_scenario_runs_to_its_end(console):
    page, _, _ = console
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
