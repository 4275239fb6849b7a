"""The intake assistant's Python package; ROOT is the repository it runs from."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
