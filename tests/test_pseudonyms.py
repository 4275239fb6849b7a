"""Keyed pseudonyms (issue 15 finding 10): references and audit targets that only the install's key can make."""

import hashlib
import json
import stat

from bot.records import pseudonyms, tokens


def test_a_reference_is_an_hmac_of_the_id_under_the_install_s_key():
    ours = pseudonyms.reference("conv-1", key=b"key one")
    assert ours.startswith("C-") and len(ours) == 12
    assert ours == pseudonyms.reference("conv-1", key=b"key one")
    assert ours != pseudonyms.reference("conv-1", key=b"key two")
    assert ours != "C-" + hashlib.sha256(b"conv-1").hexdigest()[:10]  # the old unkeyed hash
    assert pseudonyms.reference("", key=b"key one") == ""


def test_the_key_is_its_own_secret_in_var_secrets_json(monkeypatch, tmp_path):
    path = tmp_path / "var" / "secrets.json"
    path.parent.mkdir(mode=0o700)
    path.write_text(json.dumps({"rasa_token": "r", "counselor_token": "c", "session_key": "s"}))  # an older file
    monkeypatch.delenv(pseudonyms.KEY_ENV, raising=False)
    monkeypatch.setattr(tokens, "SECRETS_FILE", path)
    pseudonyms.reference_key.cache_clear()
    try:
        key = pseudonyms.reference_key()
    finally:
        pseudonyms.reference_key.cache_clear()
    stored = json.loads(path.read_text())
    assert key == stored["reference_key"].encode() and len(key) >= 40
    assert stored["session_key"] == "s"  # not mixed with the key that signs conversation ids
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_environment_key_comes_first(monkeypatch):
    monkeypatch.setenv(pseudonyms.KEY_ENV, "from-the-environment")
    pseudonyms.reference_key.cache_clear()
    try:
        assert pseudonyms.reference("x") == pseudonyms.reference("x", key=b"from-the-environment")
    finally:
        pseudonyms.reference_key.cache_clear()


def test_audit_targets_keep_words_and_numbers_and_pseudonymise_ids():
    key = b"k"
    for plain in ("queue", "intakes", "console", "audit", "recent_treatment", "17", "", "C-0123456789"):
        assert pseudonyms.audit_target(plain, key) == plain
    conversation = "AbCdEfGhIjKlMnOpQrStUvWx.signature-part_123"
    assert pseudonyms.audit_target(conversation, key) == pseudonyms.reference(conversation, key)
    assert pseudonyms.audit_target(conversation + ":1700000000", key) == pseudonyms.reference(conversation, key)
    assert pseudonyms.audit_target("Queue; drop table audit", key).startswith("C-")  # not a plain word: hashed
