"""Under the launcher's supervisor a server killed with `kill -9` comes back, and while the action server is
down the Rasa server keeps answering: crisis replies included."""

import os
import signal
import threading
import time

from bot.app.launcher import Ports, answers, supervisor, wait_until_up
from bot.app.model import ensure_model
from tests.e2e.stack import TEST_ORIGINS, TOKEN, Assistant, free_port


def text_of(replies: list[dict]) -> str:
    return " ".join(message.get("text", "") for message in replies)


def wait_for(condition, timeout: float, what: str) -> float:
    """Seconds it took for `condition()` to hold; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"{what} not within {timeout:.0f} s"
        time.sleep(0.5)
    return time.monotonic() - started


def test_killed_servers_are_restarted_and_crisis_replies_never_stop(tmp_path):
    ports = Ports(rasa=free_port(), actions=free_port())
    running = Assistant(ports, tmp_path / "var", tmp_path / "logs")
    running.log_dir.mkdir()
    services = supervisor(ensure_model(), ports, running.var_dir, TOKEN, log_dir=running.log_dir,
                          origins=(TEST_ORIGINS,))
    watcher = threading.Thread(target=services.supervise, args=(0.2,), daemon=True)
    actions_health, rasa_root = f"http://localhost:{ports.actions}/health", f"http://localhost:{ports.rasa}/"
    try:
        services.start()
        wait_until_up(actions_health, services.process("actions"))
        wait_until_up(rasa_root, services.process("rasa"))
        watcher.start()

        # The action server dies: the Rasa server keeps running and a crisis message gets its reply at once.
        killed = services.process("actions")
        os.kill(killed.pid, signal.SIGKILL)
        text = text_of(running.say(running.new_sender(), "I want to kill myself tonight"))
        assert "988" in text
        assert services.process("rasa").poll() is None

        # Within seconds the action server is back (a new process), and an intake turn gets a normal reply.
        wait_for(lambda: services.process("actions") is not killed and answers(actions_health), 60,
                 "the action server's restart")
        sender = running.new_sender()
        text = text_of(running.say(sender, "I need help with my drinking"))
        assert text and "Sorry, something went wrong" not in text
        assert running.slots(sender)["requested_slot"]  # the intake form (validated by the action server) asks

        # The Rasa server dies: it comes back with the same session key and model, and answers a new conversation.
        killed = services.process("rasa")
        os.kill(killed.pid, signal.SIGKILL)
        wait_for(lambda: services.process("rasa") is not killed and answers(rasa_root), 150,
                 "the Rasa server's restart")
        text = text_of(running.say(running.new_sender(), "I want to kill myself tonight"))
        assert "988" in text
        assert services.process("actions").poll() is None  # the action server was left alone
    finally:
        services.stop()
        watcher.join(timeout=5)
        for process in services.started:  # nothing left behind, even if stop() could not finish
            if process.poll() is None:
                process.kill()
                process.wait()
    assert not watcher.is_alive()
    assert len(services.started) == 4  # two starts, one restart each
    assert all(process.returncode is not None for process in services.started)
