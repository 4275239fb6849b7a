"""When the action server is down, the person still gets an answer, never silence."""

import socket
import threading
import time

import pytest

from bot.app.launcher import Ports, start_services, stop, wait_until_up
from bot.app.model import ensure_model
from tests.e2e.stack import TOKEN, Assistant, free_port


def rasa_without_its_action_server(tmp_path_factory, name: str):
    """(assistant, rasa process, ports): the stack started, then its action server stopped."""
    base = tmp_path_factory.mktemp(name)
    ports = Ports(rasa=free_port(), actions=free_port())
    running = Assistant(ports, base / "var", base / "logs")
    running.log_dir.mkdir()
    actions, rasa = start_services(ensure_model(), ports, running.var_dir, TOKEN, log_dir=running.log_dir)
    stop(actions)
    return running, rasa, ports


@pytest.fixture(scope="module")
def without_actions(tmp_path_factory):
    """A Rasa server whose action server has been stopped."""
    running, rasa, ports = rasa_without_its_action_server(tmp_path_factory, "no-actions")
    try:
        wait_until_up(f"http://localhost:{ports.rasa}/", rasa)
        yield running
    finally:
        stop(rasa)


def test_crisis_response_does_not_need_the_action_server(without_actions):
    replies = without_actions.say(without_actions.new_sender(), "I took all my pills an hour ago")
    text = " ".join(m.get("text", "") for m in replies)
    assert "911" in text and "988" in text


def test_a_turn_that_needs_the_action_server_gets_an_apology(without_actions):
    sender = without_actions.new_sender()  # its own server issues it
    without_actions.say(sender, "hello")
    replies = without_actions.say(sender, "yes let's start")
    text = " ".join(m.get("text", "") for m in replies)
    assert "Sorry, something went wrong" in text
    assert "1-800-662-4357" in text


@pytest.fixture(scope="module")
def with_a_hanging_action_server(tmp_path_factory):
    """A Rasa server whose action server accepts connections and never answers (deadline: 3 s)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("INTAKE_ACTION_DEADLINE_S", "3")
    running, rasa, ports = rasa_without_its_action_server(tmp_path_factory, "slow-actions")
    patch.undo()
    hanging = socket.create_server(("127.0.0.1", ports.actions))  # in its place: accepts, never answers
    held = []

    def accept_and_hold():
        while True:
            try:
                held.append(hanging.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept_and_hold, daemon=True).start()
    try:
        wait_until_up(f"http://localhost:{ports.rasa}/", rasa)
        yield running
    finally:
        stop(rasa)
        hanging.close()


def test_a_turn_whose_action_hangs_gets_the_apology_within_its_deadline(with_a_hanging_action_server):
    running = with_a_hanging_action_server
    sender = running.new_sender()
    running.say(sender, "hello")
    started = time.monotonic()
    replies = running.say(sender, "yes let's start")
    assert time.monotonic() - started < 15
    text = " ".join(m.get("text", "") for m in replies)
    assert "Sorry, something went wrong" in text and "988" in text
