"""Command line: `python -m bot train | run | placement`."""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Intake assistant commands.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("train", help="train the Rasa model if its inputs changed")
    commands.add_parser("run", help="train if needed, then start the Rasa and action servers")
    place = commands.add_parser("placement", help="recommend a level for answers given as JSON")
    place.add_argument("answers", help='e.g. \'{"severity": "moderate", "support": "strong"}\'')
    args = parser.parse_args(argv)

    if args.command == "train":
        from bot.model import ensure_model

        ensure_model()
    elif args.command == "run":
        from bot.launcher import run

        run()
    elif args.command == "placement":
        from bot.intake import make_intake
        from bot.placement import recommend_level

        payload = recommend_level(make_intake(json.loads(args.answers))).to_payload()
        print(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
