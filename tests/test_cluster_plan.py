"""The cluster profile's plan and nginx config (bot/app/cluster.py and load_balancer.py), without starting anything."""

import subprocess

import pytest

from bot.app import services
from bot.app.cluster import configured, plan
from bot.app.launcher import Ports
from bot.app.load_balancer import UPSTREAM_HEADER


def test_the_counts_come_from_the_environment_with_two_by_default(monkeypatch):
    monkeypatch.delenv("INTAKE_RASA_REPLICAS", raising=False)
    assert configured("INTAKE_RASA_REPLICAS", 2) == 2
    monkeypatch.setenv("INTAKE_RASA_REPLICAS", "3")
    assert configured("INTAKE_RASA_REPLICAS", 2) == 3
    monkeypatch.setenv("INTAKE_RASA_REPLICAS", "0")
    with pytest.raises(ValueError):
        configured("INTAKE_RASA_REPLICAS", 2)


def test_nginx_stands_where_the_single_profile_s_servers_do_and_the_rest_behind_it(tmp_path):
    cluster = plan(tmp_path, Ports(rasa=5005, actions=5055), replicas=3, action_servers=1)
    assert (cluster.balancer.port, cluster.balancer.actions_port) == (5005, 5055)
    assert len(cluster.rasa_ports) == 3 and len(cluster.action_ports) == 1
    assert len({*cluster.rasa_ports, *cluster.action_ports, cluster.postgres.port, cluster.redis.port}) == 6
    again = plan(tmp_path, Ports(rasa=5005, actions=5055), replicas=3, action_servers=1)
    assert (again.postgres.port, again.redis.port) == (cluster.postgres.port, cluster.redis.port)  # remembered


def test_the_nginx_config_balances_rest_pins_socket_io_and_passes_the_upgrade(tmp_path):
    config = plan(tmp_path, Ports(rasa=5005, actions=5055), replicas=2, action_servers=2).balancer.config()
    rest = config[config.index("upstream rasa {"):config.index("upstream rasa_socketio")]
    socket_io = config[config.index("upstream rasa_socketio"):config.index("upstream actions")]
    assert "hash" not in rest and "hash $remote_addr consistent;" in socket_io
    assert "proxy_set_header Upgrade $http_upgrade;" in config
    assert f"add_header {UPSTREAM_HEADER} $upstream_addr always;" in config
    assert "access_log off;" in config and "listen 127.0.0.1:5005;" in config and "listen 127.0.0.1:5055;" in config


def test_nginx_accepts_the_config(tmp_path):
    services.ensure_packages("nginx")  # Debian's nginx, installed on a fresh machine as the cluster profile does
    balancer = plan(tmp_path, Ports(rasa=5005, actions=5055), replicas=2, action_servers=2).balancer
    balancer.prepare()
    checked = subprocess.run([*balancer.command(), "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
