"""Print the headline figures of `rasa test nlu` (intent classification and FAQ response selection).

    make nlu-report          # 3-fold cross-validation over data/, then this summary
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def summary(report_dir: Path) -> dict:
    """Accuracy and weighted F1 for intents and FAQ responses, from Rasa's JSON reports."""
    figures = {}
    for name, filename in (("intents", "intent_report.json"), ("faq_responses", "response_selection_report.json")):
        path = report_dir / filename
        if path.exists():
            report = json.loads(path.read_text())
            weighted = report.get("weighted avg", {})
            figures[name] = {"accuracy": round(report.get("accuracy", 0.0), 3),
                             "weighted_f1": round(weighted.get("f1-score", 0.0), 3),
                             "examples": weighted.get("support")}
    return figures


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "results/nlu")
    print(json.dumps(summary(out), indent=2))
