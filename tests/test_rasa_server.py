"""bot.app.rasa_server: `rasa run` with the auth token from the environment, never from the command line."""

import pytest

from bot.app import rasa_server
from bot.app.launcher import Ports, supervisor


def test_the_token_joins_rasa_s_own_arguments_inside_the_process():
    assert rasa_server.rasa_argv(["--enable-api", "--port", "5005"], "t0ken") == [
        "rasa", "run", "--enable-api", "--port", "5005", "--auth-token", "t0ken"]


def test_a_token_on_the_command_line_is_refused():
    for options in (["--auth-token", "x"], ["--auth-token=x"]):
        with pytest.raises(SystemExit):
            rasa_server.rasa_argv(options, "t0ken")


def test_without_the_token_the_server_does_not_start_open(monkeypatch):
    monkeypatch.delenv(rasa_server.TOKEN_ENV, raising=False)
    with pytest.raises(SystemExit, match=rasa_server.TOKEN_ENV):
        rasa_server.main(["--enable-api"])


def test_the_launcher_gives_the_token_by_environment_and_keeps_every_other_option(tmp_path):
    """Finding 8: `rasa run --auth-token ...` showed the token to every user of the machine (ps)."""
    services = supervisor(tmp_path / "model.tar.gz", Ports(rasa=5999, actions=5998, web=8999), tmp_path / "var",
                          "the-rasa-token", origins=("http://localhost:8999",))
    rasa = next(server for server in services.servers if server.name == "rasa")
    assert "the-rasa-token" not in " ".join(rasa.command) and "--auth-token" not in rasa.command
    assert services.env[rasa_server.TOKEN_ENV] == "the-rasa-token"
    assert rasa.command[1:3] == ["-m", "bot.app.rasa_server"]
    command = " ".join(rasa.command)
    model = f"--model {tmp_path / 'model.tar.gz'}"
    for option in ("--enable-api", "--interface 127.0.0.1", "--port 5999", "--cors http://localhost:8999",
                   "--credentials credentials.yml", "--endpoints endpoints.yml", model):
        assert option in command, option
