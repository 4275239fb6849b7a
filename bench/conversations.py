"""Drive N concurrent intake conversations over REST; print latency per message and throughput.

    python bench/conversations.py --concurrency 10 --conversations 40 --think 2
    python bench/conversations.py --think 0            # saturation: replies sent back at once
    python bench/conversations.py --url http://localhost:5005   # against a running server

Each simulated person waits --think seconds after a reply before sending the next message
(people take far longer to read and type); --think 0 measures the server saturated.
Without --url it starts its own Rasa and action servers on free ports with temporary data.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app.launcher import Ports, start_services, stop, wait_until_up  # noqa: E402
from bot.app.model import ensure_model  # noqa: E402

# One full intake: an opening, consent, an answer per question (in the form's order), the confirmation.
SCRIPT = [
    "hi",
    "I'd like to figure out what kind of help I need",
    "yes, you can store my answers",  # consent: the conversation is written to SQLite, as in production
    "alcohol, mostly on weekends",
    "mild",
    "no withdrawal symptoms",
    "never been to treatment",
    "no",
    "no",
    "stable",
    "my family is really supportive",
    "I work full time",
    "about 10 hours",
    "evenings",
    "no",
    "I have insurance",
    "yes",
    "yes, that's right",
]


async def conversation(
    session: aiohttp.ClientSession, url: str, latencies: list[float], think: float = 0.0
) -> str | None:
    """Run one scripted conversation; returns the recommended level."""
    async with session.post(url.rsplit("/", 1)[0] + "/session") as response:
        sender = (await response.json())["sender"]  # a conversation id issued by the server
    level = None
    for number, text in enumerate(SCRIPT):
        if number and think:
            await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))
        started = time.perf_counter()
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            replies = await response.json()
        latencies.append(time.perf_counter() - started)
        for message in replies:
            if (message.get("custom") or {}).get("type") == "recommendation":
                level = message["custom"]["level"]
    return level


async def drive(url: str, concurrency: int, conversations: int, think: float = 0.0) -> dict:
    """Run `conversations` conversations, `concurrency` at a time."""
    latencies: list[float] = []
    levels: list[str | None] = []
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:

        async def one() -> None:
            async with gate:
                levels.append(await conversation(session, url, latencies, think))

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(conversations)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "conversations": conversations,
        "concurrency": concurrency,
        "think_seconds": think,
        "messages": len(latencies),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "messages_per_second": round(len(latencies) / elapsed, 1),
        "completed_with_recommendation": sum(1 for level in levels if level),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="base URL of a running Rasa server (default: start one)")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between a reply and the next message")
    parser.add_argument("--warmup", type=int, default=2, help="conversations run first and not measured")
    args = parser.parse_args()

    processes = ()
    base = args.url
    if not base:
        var = Path(tempfile.mkdtemp(prefix="bench-"))
        ports = Ports(rasa=5105, actions=5155)
        os.environ.setdefault("INTAKE_RATE_BURST", "100000")  # a load test, not a person: no rate limit
        processes = start_services(ensure_model(), ports, var, "bench-token", log_dir=var)
        wait_until_up(f"http://localhost:{ports.actions}/health", processes[0])
        wait_until_up(f"http://localhost:{ports.rasa}/", processes[1])
        base = f"http://localhost:{ports.rasa}"
    url = base.rstrip("/") + "/webhooks/rest/webhook"
    try:
        if args.warmup:
            asyncio.run(drive(url, 1, args.warmup))
        result = asyncio.run(drive(url, args.concurrency, args.conversations, args.think))
    finally:
        stop(*processes)
    print(json.dumps(result, indent=2))
    return 0 if result["completed_with_recommendation"] == args.conversations else 1


if __name__ == "__main__":
    sys.exit(main())
