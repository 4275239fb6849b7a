"""nginx in front of the cluster profile's Rasa replicas and action servers, its config generated into var/nginx.

REST requests go round robin to the Rasa replicas (any replica serves any conversation: the stores are shared).
socket.io needs every request of one connection on one replica (its long-polling transport is several HTTP
requests, and its session lives in that replica's memory), so it is routed by the client's address, with the
WebSocket upgrade passed through. A replica that refuses a connection is skipped. Each answer names the replica
that served it in the X-Intake-Upstream header. No access log: it would hold addresses and conversation ids.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.app.services import HOST, find_command, private_dir

UPSTREAM_HEADER = "X-Intake-Upstream"


def upstream(name: str, ports: tuple[int, ...], balance: str = "") -> str:
    """An upstream block: the servers on localhost, each skipped for 5 s after it refused a connection."""
    servers = "".join(f"    server {HOST}:{port} max_fails=1 fail_timeout=5s;\n" for port in ports)
    return f"  upstream {name} {{\n{balance}{servers}    keepalive 16;\n  }}\n"


PROXY = """      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout;
      proxy_max_temp_file_size 0;
      add_header {header} $upstream_addr always;
"""


@dataclass(frozen=True)
class LoadBalancer:
    """nginx: `port` in front of the Rasa replicas, `actions_port` in front of the action servers (localhost)."""

    var_dir: Path
    port: int
    rasa_ports: tuple[int, ...]
    actions_port: int
    action_ports: tuple[int, ...]

    @property
    def home(self) -> Path:
        return self.var_dir / "nginx"

    @property
    def config_file(self) -> Path:
        return self.home / "nginx.conf"

    def config(self) -> str:
        """nginx.conf, in the foreground, its pid and temporary files in var/nginx."""
        proxy = PROXY.format(header=UPSTREAM_HEADER)
        temp = "".join(f"  {kind}_temp_path {self.home / 'tmp' / kind};\n"
                       for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""  # workers only relay; they open no file
        return (
            f"{user}daemon off;\nworker_processes 1;\npid {self.home / 'nginx.pid'};\nerror_log stderr warn;\n"
            "events {\n  worker_connections 1024;\n}\n"
            "http {\n  access_log off;\n  server_tokens off;\n"
            "  client_max_body_size 1m;\n  client_body_buffer_size 1m;\n" + temp +
            "  map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' '';\n  }\n"
            + upstream("rasa", self.rasa_ports)
            + upstream("rasa_socketio", self.rasa_ports, "    hash $remote_addr consistent;\n")
            + upstream("actions", self.action_ports) +
            f"  server {{\n    listen {HOST}:{self.port};\n"
            "    location /socket.io/ {\n      proxy_pass http://rasa_socketio;\n" + proxy +
            "      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n"
            "      proxy_buffering off;\n      proxy_read_timeout 1h;\n    }\n"
            "    location / {\n      proxy_pass http://rasa;\n" + proxy +
            "      proxy_set_header Connection \"\";\n      proxy_read_timeout 300s;\n    }\n  }\n"
            f"  server {{\n    listen {HOST}:{self.actions_port};\n"
            "    location / {\n      proxy_pass http://actions;\n" + proxy +
            "      proxy_set_header Connection \"\";\n      proxy_read_timeout 300s;\n    }\n  }\n}\n"
        )

    def prepare(self) -> None:
        """Write nginx.conf (0600) and create its directories in var/nginx."""
        private_dir(self.home / "tmp")
        private_dir(self.home)
        descriptor = os.open(self.config_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(self.config())

    def command(self) -> list[str]:
        return [find_command("nginx"), "-c", str(self.config_file), "-p", str(self.home), "-e", "stderr"]
