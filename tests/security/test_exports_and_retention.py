"""Hostile tests against the running stack and its web app: what a conversation id finds in the export and the
audit log (finding 10: keyed pseudonyms), and retention on the live databases (`python -m bot purge`)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

from bot.app.model import ROOT
from bot.clinical.intake import make_intake
from bot.clinical.placement import recommend_level
from bot.records.storage import open_db, save_intake
from bot.records.work_queue import reference
from tests.e2e.stack import COUNSELOR_TOKEN

ANSWERS = {"substances": ["alcohol"], "severity": "moderate", "home": "stable", "support": "strong"}
LONG_AGO = "2000-01-01T00:00:00+00:00"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(web) -> str:
    body = urllib.parse.urlencode({"name": "Dana Counselor", "token": COUNSELOR_TOKEN}).encode()
    request = urllib.request.Request(web.url + "/console/login", body,
                                     {"Content-Type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.build_opener(NoRedirect).open(request, timeout=30)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 303
        return redirect.headers["Set-Cookie"].split(";")[0]
    raise AssertionError("the login did not redirect")


def get(web, path: str, cookie: str) -> str:
    request = urllib.request.Request(web.url + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


def stored_intake(web, conversation_id: str) -> None:
    """An intake of this conversation, as action_recommend stores it."""
    intake = make_intake(ANSWERS)
    db = open_db(web.db_path)
    save_intake(db, f"{conversation_id}:0", conversation_id, intake, recommend_level(intake), consent_version="t")
    db.conn.close()


def test_a_conversation_id_does_not_find_its_rows_in_the_export_or_the_audit_log(assistant, web):
    """Finding 10: the export and the audit log named a conversation by its id or by an unkeyed hash of it, so
    whoever held the id (a browser's storage, a log) could find the person's answers in an exported file."""
    sender = assistant.new_sender()
    assistant.say(sender, "hi")
    stored_intake(web, sender)
    cookie = login(web)
    assert json.loads(get(web, f"/console/api/intake?id={urllib.parse.quote(sender + ':0')}", cookie))["level"]
    exported = get(web, "/console/api/export.csv", cookie)
    audit = get(web, "/console/api/audit", cookie)
    unkeyed = "C-" + hashlib.sha256(sender.encode()).hexdigest()[:10]
    random_part = sender.split(".")[0]
    for text in (exported, audit):
        assert random_part not in text and unkeyed not in text
    assert reference(sender) in exported and reference(sender) in audit  # the install itself still links them
    found = json.loads(get(web, f"/console/api/queue?status=&q={reference(sender)}", cookie))
    assert found["total"] == 1 and found["items"][0]["kind"] == "intake"


def count(path, sql: str, *params) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def test_purge_deletes_old_records_from_the_live_databases_and_the_stack_goes_on(assistant, web, tmp_path):
    """Finding 10: nothing was ever purged."""
    old = assistant.new_sender()
    for text in ("hi", "/start_intake", "/consent_given"):  # with consent: the conversation is stored in SQL
        assistant.say(old, text)
    tracker_db, intake_db = assistant.var_dir / "tracker.db", web.db_path
    assert count(tracker_db, "select count(*) from events where sender_id = ?", old)
    stored_intake(web, old)
    with sqlite3.connect(tracker_db) as conn:
        conn.execute("update events set timestamp = 946684800 where sender_id = ?", [old])  # 2000-01-01
    with sqlite3.connect(intake_db) as conn:
        conn.execute("update intakes set completed_at = ? where conversation_id = ?", [LONG_AGO, old])
        conn.execute("update queue_items set created_at = ?, updated_at = ? where conversation_id = ?",
                     [LONG_AGO, LONG_AGO, old])

    env = {**os.environ, "RASA_TRACKER_DB": str(tracker_db), "INTAKE_DB": str(intake_db)}
    done = subprocess.run([sys.executable, "-m", "bot", "purge", "--older-than", "30", "--replay-db",
                           str(tmp_path / "replay.db")], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "conversations: 1" in done.stdout and "intakes: 1" in done.stdout
    assert old not in done.stdout and old.split(".")[0] not in done.stdout + done.stderr

    assert count(tracker_db, "select count(*) from events where sender_id = ?", old) == 0
    assert count(intake_db, "select count(*) from intakes where conversation_id = ?", old) == 0
    new = assistant.new_sender()
    assert assistant.say(new, "hi")  # the stack goes on serving
    cookie = login(web)
    assert json.loads(get(web, f"/console/api/queue?status=&q={reference(old)}", cookie))["total"] == 0
