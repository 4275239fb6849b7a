"""Counselor login: constant-time token check, a name for the audit trail, expiring sessions, cookies."""

import pytest

from bot.records import tokens
from bot.web import auth

TOKEN = "a-counselor-token-for-tests"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_login_needs_the_token_and_a_name():
    sessions = auth.Sessions(TOKEN)
    assert sessions.login("wrong-token", "Dana") is None
    assert sessions.login(TOKEN, "") is None
    assert sessions.login(TOKEN, "<script>") is None
    session_id = sessions.login(TOKEN, "  Dana   Lee ")
    assert session_id and len(session_id) >= 40
    assert sessions.counselor(session_id) == "Dana Lee"
    assert sessions.counselor("guessed") is None and sessions.counselor(None) is None


def test_sessions_expire_when_idle_and_after_their_lifetime():
    clock = Clock()
    sessions = auth.Sessions(TOKEN, clock=clock)
    idle = sessions.login(TOKEN, "Dana")
    clock.now += auth.IDLE_S + 1
    assert sessions.counselor(idle) is None
    busy = sessions.login(TOKEN, "Dana")
    for _ in range(int(auth.LIFETIME_S / (auth.IDLE_S / 2)) + 1):
        clock.now += auth.IDLE_S / 2
        alive = sessions.counselor(busy)
    assert alive is None


def test_logout_ends_the_session():
    sessions = auth.Sessions(TOKEN)
    session_id = sessions.login(TOKEN, "Dana")
    sessions.logout(session_id)
    assert sessions.counselor(session_id) is None


def test_repeated_wrong_tokens_lock_that_client_out_for_a_minute_and_no_one_else():
    clock = Clock()
    sessions = auth.Sessions(TOKEN, clock=clock)
    for _ in range(auth.MAX_FAILURES):
        assert sessions.login("guess", "x", client="10.0.0.9") is None
    assert sessions.login(TOKEN, "Dana", client="10.0.0.9") is None
    assert 0 < sessions.wait("10.0.0.9") <= 61
    assert sessions.wait("10.0.0.7") == 0 and sessions.login(TOKEN, "Lee", client="10.0.0.7")
    clock.now += 61
    assert sessions.wait("10.0.0.9") == 0
    assert sessions.login(TOKEN, "Dana", client="10.0.0.9")


def test_each_further_batch_of_wrong_tokens_doubles_the_lockout():
    clock = Clock()
    sessions = auth.Sessions(TOKEN, clock=clock)
    waits = []
    for _ in range(3):
        for _ in range(auth.MAX_FAILURES):
            sessions.login("guess", "x", client="10.0.0.9")
        waits.append(sessions.wait("10.0.0.9"))
        clock.now += waits[-1]
    assert [round(w, -1) for w in waits] == [60, 120, 240]
    assert sessions.login(TOKEN, "Dana", client="10.0.0.9")
    clock.now += auth.FAILURE_MEMORY_S  # an hour later the slate is clean
    for _ in range(auth.MAX_FAILURES):
        sessions.login("guess", "x", client="10.0.0.9")
    assert 0 < sessions.wait("10.0.0.9") <= 61


def test_a_short_token_is_refused():
    with pytest.raises(ValueError):
        auth.Sessions("short")


def test_cookie_is_httponly_samesite_strict_and_parsed_back():
    header = auth.set_cookie("abc123")
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/" in header
    assert auth.session_id_from("other=1; console_session=abc123") == "abc123"
    assert auth.session_id_from(None) is None and auth.session_id_from("other=1") is None
    assert "Max-Age=0" in auth.clear_cookie()


def test_token_from_the_environment_first(monkeypatch, tmp_path):
    monkeypatch.setenv("COUNSELOR_TOKEN", "from-the-environment-123")
    assert tokens.counselor_token(tmp_path / "secrets.json") == "from-the-environment-123"
    monkeypatch.delenv("COUNSELOR_TOKEN")
    generated = tokens.counselor_token(tmp_path / "secrets.json")
    assert len(generated) >= 16 and tokens.counselor_token(tmp_path / "secrets.json") == generated


def test_secrets_are_private_from_the_moment_they_exist(tmp_path):
    path = tmp_path / "var" / "secrets.json"
    tokens.ensure_secrets(path)
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700


def test_make_run_says_where_the_token_is_and_never_prints_it(monkeypatch):
    """Finding 8: the counselor token was printed on first start (output that may be logged or seen)."""
    from bot.app.launcher import counselor_login_note

    tokens = {"counselor_token": "the-new-counselor-token"}
    monkeypatch.delenv("COUNSELOR_TOKEN", raising=False)
    for first_start in (True, False):
        assert "the-new-counselor-token" not in counselor_login_note(first_start, tokens)
        assert "counselor_token in var/secrets.json" in counselor_login_note(first_start, tokens)
    monkeypatch.setenv("COUNSELOR_TOKEN", "from-env-token-123")
    assert counselor_login_note(True, tokens) == "token: $COUNSELOR_TOKEN"
