"""Conversation ids are issued and signed by the server; anything else is refused."""

from bot.app.sessions import is_issued, new_session_id

KEY = b"test-key"


def test_an_issued_id_is_accepted_and_has_144_random_bits():
    session_id = new_session_id(KEY)
    random_part, _, _ = session_id.rpartition(".")
    assert is_issued(session_id, KEY) and len(random_part) == 24  # 18 bytes, URL-safe base64


def test_made_up_altered_or_foreign_ids_are_refused():
    session_id = new_session_id(KEY)
    for bad in ("alice", "a" * 40, session_id[:-1] + ("A" if session_id[-1] != "A" else "B"),
                "x" + session_id, new_session_id(b"another-key"), None, 42, session_id + "." * 200):
        assert not is_issued(bad, KEY), bad


def test_the_console_s_ids_carry_its_prefix_under_the_signature():
    session_id = new_session_id(KEY, purpose="console")
    assert session_id.startswith("console-") and is_issued(session_id, KEY)
    assert not is_issued("console-" + session_id[len("console-"):].replace(".", "x.", 1), KEY)
