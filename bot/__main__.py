"""Command line: `python -m bot train | run | placement | replay | purge | migrate`."""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Intake assistant commands.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("train", help="train the Rasa model if its inputs changed")
    run = commands.add_parser("run", help="train if needed, then start the Rasa and action servers")
    run.add_argument("--profile", choices=("single", "cluster"), default="single",
                     help="single: one Rasa server, SQLite; cluster: replicas behind nginx, PostgreSQL, Redis")
    place = commands.add_parser("placement", help="recommend a level for answers given as JSON")
    place.add_argument("answers", help='e.g. \'{"severity": "moderate", "support": "strong"}\'')
    replay = commands.add_parser("replay", help="replay call transcripts through the assistant and report agreement")
    replay.add_argument("paths", nargs="+", metavar="PATH", help="transcript files or folders (.txt, .json, .csv)")
    replay.add_argument("--out", required=True, help="output folder (report.html, summary.csv, calls/)")
    replay.add_argument("--workers", type=int, default=None, help="worker processes (default: the CPU count)")
    replay.add_argument("--dispositions", action="append", default=[], metavar="FILE.csv",
                        help="a call_id,disposition CSV (repeatable; such files among PATHs are found too)")
    replay.add_argument("--db", help="where the runs are kept: a SQLite file or a postgresql:// URL (default "
                                     "$INTAKE_RECORDS_URL, else var/replay.db)")
    replay.add_argument("--no-progress", action="store_true", help="no progress bar")
    from bot.app.retention import RETENTION_DAYS

    purge = commands.add_parser("purge", help="delete conversations, intakes, events, audit rows and replay runs "
                                              f"older than DAYS (default {RETENTION_DAYS})")
    purge.add_argument("--older-than", type=int, default=RETENTION_DAYS, metavar="DAYS",
                       help=f"retention in days, at least 1 (default {RETENTION_DAYS}: docs/privacy.md)")
    purge.add_argument("--tracker-db", help="the conversations (default $RASA_TRACKER_DB, else var/tracker.db)")
    purge.add_argument("--intake-db", help="intakes, queue, audit (default $INTAKE_DB, else var/intake.db)")
    purge.add_argument("--replay-db", help="replay runs (default var/replay.db)")
    migrate = commands.add_parser("migrate", help="copy the single profile's records, replay runs and consented "
                                                  "conversations into the cluster profile's PostgreSQL, once")
    migrate.add_argument("--to", metavar="URL", help="a postgresql:// URL (default $INTAKE_RECORDS_URL, else the "
                                                     "cluster profile's PostgreSQL, which must be running)")
    args = parser.parse_args(argv)

    if args.command == "train":
        from bot.app.model import ensure_model

        ensure_model()
    elif args.command == "run":
        from bot.app.launcher import run

        run(profile=args.profile)
    elif args.command == "placement":
        from bot.clinical.intake import make_intake
        from bot.clinical.placement import recommend_level

        payload = recommend_level(make_intake(json.loads(args.answers))).to_payload()
        print(json.dumps(payload, indent=2))
    elif args.command == "replay":
        return replay_command(args)
    elif args.command == "purge":
        return purge_command(args, parser)
    elif args.command == "migrate":
        return migrate_command(args)
    return 0


def purge_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Delete what is older than --older-than days; print the counts per table."""
    from pathlib import Path

    from bot.app.retention import Databases, purge, report

    if args.older_than < 1:
        parser.error("--older-than must be at least 1 day")
    default = Databases.default()
    databases = Databases(*(Path(given) if given else fallback for given, fallback in (
        (args.tracker_db, default.tracker), (args.intake_db, default.intake), (args.replay_db, default.replay))),
        cluster=default.cluster)
    print(report(args.older_than, purge(args.older_than, databases)))
    return 0


def migrate_command(args: argparse.Namespace) -> int:
    """Copy var/intake.db, var/replay.db and var/tracker.db into PostgreSQL; print the counts, never content."""
    import psycopg2

    from bot.app.retention import Databases
    from bot.records.migrate import MigrationRefused, migrate
    from bot.records.postgres_records import PostgresRecords

    files = Databases.default()
    url = args.to or files.postgres_url()
    if not url:
        print("No PostgreSQL to copy into: start `make run PROFILE=cluster` first, or give --to postgresql://...")
        return 1
    try:
        target = PostgresRecords(url)
    except psycopg2.OperationalError:
        print("PostgreSQL does not answer: copy while `make run PROFILE=cluster` runs (or check --to).")
        return 1
    try:
        copied = migrate(target, files.intake, files.replay, files.tracker)
    except MigrationRefused as refusal:
        print(f"Nothing copied: {refusal}.")
        return 1
    finally:
        target.close()
    print("Copied into PostgreSQL (the SQLite files are left as they were):")
    print("\n".join(f"  {name}: {count}" for name, count in copied.items()) or "  nothing: no records in var/ yet")
    return 0


def replay_command(args: argparse.Namespace) -> int:
    """Run a replay; exit 1 when no call at all could be replayed."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # inherited by the worker processes
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from bot.records.database import URL_ENV, is_url, without_password
    from bot.replay.batch import run_batch
    from bot.replay.runs import DEFAULT_DB

    db = args.db or os.environ.get(URL_ENV, "").strip() or str(DEFAULT_DB)
    outcome = run_batch(args.paths, args.out, workers=args.workers, disposition_files=args.dispositions,
                        db_path=db, progress=not args.no_progress)
    tally = outcome.tally
    agreement = f"{tally.agreement:.1%}" if tally.agreement is not None else "n/a"
    print(f"Replayed {tally.calls} calls from {outcome.files} files in {outcome.seconds:.1f} s "
          f"({outcome.calls_per_second:.1f} calls/s); {tally.errors} could not be read.")
    print(f"Agreement with the agents: {agreement} ({tally.agreed} of {tally.with_disposition}); "
          f"flagged for crisis: {tally.crisis}.")
    kept_in = without_password(db) if is_url(db) else db
    print(f"Report: {outcome.out_dir / 'report.html'}  (run {outcome.run_id} in {kept_in})")
    return 0 if tally.calls else 1


if __name__ == "__main__":
    sys.exit(main())
