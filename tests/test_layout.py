"""The folders of bot/ import one way (docs/architecture.md): each only from those below it; the clinical core,
the readers and the records never import Rasa (only the launcher and the replay drive it)."""

import re
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
ORDER = ("replay", "app", "web", "records", "conversation", "crisis", "clinical", "")  # "" is bot/text.py and the like
IMPORT = re.compile(r"^\s*(?:from|import) (bot(?:\.\w+)?|rasa\b|rasa_sdk\b)", re.M)


def imports(path: Path) -> list[str]:
    return IMPORT.findall(path.read_text(encoding="utf-8"))


def folder(path: Path) -> str:
    relative = path.relative_to(BOT).parts
    return relative[0] if len(relative) > 1 else ""


def test_each_folder_imports_only_from_the_folders_below_it():
    wrong = []
    for path in BOT.rglob("*.py"):
        if path.name == "__main__.py" and path.parent == BOT:
            continue  # the command line uses everything
        mine = ORDER.index(folder(path))
        for name in imports(path):
            target = name.split(".")[1] if "." in name else ""
            target = target if target in ORDER else ""
            if ORDER.index(target) < mine:
                wrong.append(f"{path.relative_to(BOT)} imports {name}")
    assert wrong == []


def test_the_clinical_core_readers_and_records_never_import_rasa():
    pure = [path for path in BOT.rglob("*.py") if folder(path) in ("clinical", "conversation", "crisis", "records", "")]
    assert len(pure) > 20
    assert [str(p.relative_to(BOT)) for p in pure if any(n.startswith("rasa") for n in imports(p))] == []
