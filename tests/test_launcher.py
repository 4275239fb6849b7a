"""The launcher's supervision: the restart backoff, and a Supervisor restarting small stand-in servers."""

import os
import signal
import sys
import time

import pytest

from bot.app import launcher
from bot.app.launcher import RESTART_CAP_S, Server, Supervisor, restart_delay


def test_the_delay_doubles_from_one_second():
    assert [restart_delay(n) for n in range(1, 7)] == [1, 2, 4, 8, 16, 30]


def test_the_delay_is_capped_at_thirty_seconds_however_many_failures():
    assert restart_delay(6) == restart_delay(100) == restart_delay(10**6) == RESTART_CAP_S == 30


def test_no_failure_yet_waits_the_base_delay():
    assert restart_delay(0) == 1


def test_base_and_cap_can_be_given():
    assert [restart_delay(n, base=0.5, cap=3) for n in range(1, 6)] == [0.5, 1, 2, 3, 3]


def stand_in(name: str, code: str) -> Server:
    return Server(name, [sys.executable, "-c", code])


def wait_for(condition, supervisor: Supervisor, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        supervisor.check()
        time.sleep(0.05)


@pytest.fixture
def quick_restarts(monkeypatch):
    monkeypatch.setattr(launcher, "restart_delay", lambda failures: 0.1)


def test_a_killed_server_is_restarted_with_the_same_environment(tmp_path, capsys, quick_restarts):
    server = stand_in("sleeper", "import os, time; print(os.environ['ACTION_SERVER_TOKEN'], flush=True); "
                                 "time.sleep(60)")
    supervisor = Supervisor([server], {**os.environ, "ACTION_SERVER_TOKEN": "shared-secret"}, tmp_path)
    try:
        supervisor.start()
        log = tmp_path / "sleeper.log"
        wait_for(lambda: "shared-secret" in log.read_text(), supervisor)
        first = server.process
        first.send_signal(signal.SIGKILL)
        wait_for(lambda: server.process is not first, supervisor)
        wait_for(lambda: log.read_text().count("shared-secret") == 2, supervisor)  # the same token, appended
    finally:
        supervisor.stop()
    assert all(process.poll() is not None for process in supervisor.started)
    assert len(supervisor.started) == 2
    line = capsys.readouterr().err.strip()
    assert "the sleeper server exited with code -9; restarting it in 0 s at" in line
    assert "\n" not in line and "shared-secret" not in line


def test_a_server_that_keeps_crashing_is_retried_with_a_warning(capsys, quick_restarts):
    server = stand_in("crasher", "import sys; sys.exit(3)")
    supervisor = Supervisor([server], dict(os.environ))
    try:
        supervisor.start()
        wait_for(lambda: server.failures >= 6, supervisor)
    finally:
        supervisor.stop()
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 6 and all("code 3" in line for line in lines)
    assert not any("WARNING" in line for line in lines[:4])
    assert "WARNING: the crasher server has failed 5 starts in a row" in lines[4]
    assert "still restarting it" in lines[5]


def test_a_server_that_stayed_up_starts_its_backoff_again(quick_restarts):
    server = stand_in("sleeper", "import time; time.sleep(60)")
    supervisor = Supervisor([server], dict(os.environ))
    try:
        supervisor.start()
        server.failures = 4  # four quick crashes before this start
        server.started -= launcher.STABLE_S  # ... and then a minute up
        first = server.process
        first.kill()
        wait_for(lambda: server.restart_at is not None, supervisor)
        assert server.failures == 1
        wait_for(lambda: server.process is not first, supervisor)
    finally:
        supervisor.stop()


def test_no_restart_after_stop(quick_restarts):
    server = stand_in("sleeper", "import time; time.sleep(60)")
    supervisor = Supervisor([server], dict(os.environ))
    supervisor.start()
    supervisor.stop()
    time.sleep(0.2)
    supervisor.check()
    assert len(supervisor.started) == 1 and server.process.poll() is not None


def test_a_server_with_a_ready_check_is_waited_for_and_stopped_after_the_others(tmp_path):
    """The cluster profile's order: a database is ready before its users start, and stops only after them."""
    ready_file, stops = tmp_path / "ready", tmp_path / "stops"
    on_sigint = ("import signal, sys, time\n"
                 "def done(*_):\n    time.sleep({delay})\n    open({stops!r}, 'a').write('{name} ')\n    sys.exit(0)\n"
                 "signal.signal(signal.SIGINT, done)\n{before}time.sleep(60)\n")
    def stand_in_stopping(name: str, delay: float, before: str) -> list[str]:
        return [sys.executable, "-c", on_sigint.format(delay=delay, stops=str(stops), name=name, before=before)]

    becomes_ready = f"time.sleep(0.5); open({str(ready_file)!r}, 'w')\n"
    database = Server("database", stand_in_stopping("database", 0, becomes_ready), ready=ready_file.exists)
    user = Server("user", stand_in_stopping("user", 0.5, f"assert __import__('os').path.exists({str(ready_file)!r})\n"))
    supervisor = Supervisor([database, user], dict(os.environ), tmp_path)
    try:
        supervisor.start()
        time.sleep(0.5)
        assert user.process.poll() is None  # it found the database ready when it started
        assert os.getpgid(database.process.pid) != os.getpgid(0)  # Ctrl-C in the terminal does not reach it
    finally:
        supervisor.stop()
    assert stops.read_text().split() == ["user", "database"]


def test_no_server_is_restarted_while_paused(tmp_path, quick_restarts):
    import threading

    server = stand_in("sleeper", "import time; time.sleep(60)")
    supervisor = Supervisor([server], dict(os.environ), tmp_path)
    watcher = threading.Thread(target=supervisor.supervise, args=(0.02,), daemon=True)
    try:
        supervisor.start()
        watcher.start()
        first = server.process
        with supervisor.paused():
            first.send_signal(signal.SIGKILL)
            first.wait()
            time.sleep(0.3)
            assert server.process is first and server.restart_at is None
        deadline = time.monotonic() + 10
        while server.process is first:
            assert time.monotonic() < deadline, "not restarted after the pause"
            time.sleep(0.05)
    finally:
        supervisor.stop()
        watcher.join(timeout=5)
