"""The single profile and the cluster profile (1 and 2 Rasa replicas) under the same load, side by side.

    .venv/bin/python bench/profiles.py                          # saturation: 10 at a time, no think time
    .venv/bin/python bench/profiles.py --think 2 --conversations 40
    .venv/bin/python bench/profiles.py --replicas 1 2 4         # other cluster sizes

Each profile is started on free ports with temporary data, warmed up, measured with the scripted intakes of
bench/conversations.py, and stopped before the next one starts. The cluster profile runs PostgreSQL, Redis, nginx,
two action servers and N replicas (docs/cluster.md); it needs Debian's postgresql, redis-server and nginx (installed
when missing, as root). Printed: a row per profile, the host's core count, and each row's throughput as a ratio of
the single profile's, since the absolute figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from conversations import drive  # noqa: E402

from bot.app import services  # noqa: E402
from bot.app.cluster import cluster_supervisor, wait_for_cluster  # noqa: E402
from bot.app.launcher import Ports, start_services, stop, wait_until_up  # noqa: E402
from bot.app.model import ensure_model  # noqa: E402

TOKEN = "bench-token"


def measure(base: str, args: argparse.Namespace) -> dict:
    """Warm up, then drive the scripted conversations against the Rasa server (or nginx) at `base`."""
    url = base.rstrip("/") + "/webhooks/rest/webhook"
    if args.warmup:
        asyncio.run(drive(url, 1, args.warmup))
    return asyncio.run(drive(url, args.concurrency, args.conversations, args.think))


def single(model: Path, args: argparse.Namespace) -> dict:
    """The single profile: one Rasa server, one action server, SQLite."""
    var = Path(tempfile.mkdtemp(prefix="bench-single-"))
    ports = Ports(rasa=services.free_port(), actions=services.free_port(), web=services.free_port())
    processes = start_services(model, ports, var, TOKEN, log_dir=var)
    try:
        wait_until_up(f"http://localhost:{ports.actions}/health", processes[0])
        wait_until_up(f"http://localhost:{ports.rasa}/", processes[1])
        return measure(f"http://localhost:{ports.rasa}", args)
    finally:
        stop(*processes)
        shutil.rmtree(var, ignore_errors=True)


def cluster(model: Path, replicas: int, args: argparse.Namespace) -> dict:
    """The cluster profile with `replicas` Rasa replicas behind nginx."""
    var = Path(tempfile.mkdtemp(prefix="bench-cluster-"))  # outside a 0700 parent: PostgreSQL's user reaches it
    ports = Ports(rasa=services.free_port(), actions=services.free_port(), web=services.free_port())
    (var / "log").mkdir()
    supervisor, planned = cluster_supervisor(model, ports, var, TOKEN, var / "log", replicas=replicas)
    try:
        supervisor.start()
        wait_for_cluster(supervisor, planned, ports)
        return measure(f"http://localhost:{ports.rasa}", args)
    finally:
        supervisor.stop()
        shutil.rmtree(var, ignore_errors=True)


def table(rows: list[tuple[str, dict]]) -> str:
    """The rows as a Markdown table, throughput also as a ratio of the first row's."""
    base = rows[0][1]["messages_per_second"] or 1
    lines = ["| profile | messages | median ms | p95 ms | max ms | messages/s | vs single |",
             "|---|---|---|---|---|---|---|"]
    for name, r in rows:
        lines.append(f"| {name} | {r['messages']} | {r['median_ms']} | {r['p95_ms']} | {r['max_ms']} | "
                     f"{r['messages_per_second']} | {r['messages_per_second'] / base:.2f}x |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--conversations", type=int, default=30)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between a reply and the next message")
    parser.add_argument("--warmup", type=int, default=2, help="conversations run first and not measured")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2], help="cluster sizes to measure")
    args = parser.parse_args()
    os.environ["INTAKE_RATE_BURST"] = "100000"  # a load test, not a person: no rate limit
    model = ensure_model()
    rows = [("single (SQLite)", single(model, args))]
    print(f"single (SQLite): {rows[0][1]}", flush=True)  # each profile as it is measured, the table at the end
    for replicas in args.replicas:
        rows.append((f"cluster, {replicas} replica{'s' if replicas > 1 else ''}", cluster(model, replicas, args)))
        print(f"{rows[-1][0]}: {rows[-1][1]}", flush=True)
    print(f"\n{args.conversations} conversations, {args.concurrency} at a time, think {args.think} s; "
          f"host: {os.cpu_count()} cores\n")
    print(table(rows))
    return 0 if all(r["completed_with_recommendation"] == args.conversations for _, r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
