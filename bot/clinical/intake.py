"""The facts gathered in one intake, checked against the criteria."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from bot.clinical.criteria import BY_ID, UNKNOWN

FREQUENCY_SCORE = {"daily": 2, "weekly": 1, "occasional": 0}
IMPACT_SCORE = {"major": 2, "some": 1, "little": 0}
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intake:
    """Answers keyed by criterion id; only valid values are kept."""

    answers: Mapping[str, object] = field(default_factory=dict)
    crisis: bool = False

    def get(self, criterion_id: str) -> object:
        """The answer, or None when it was never given."""
        return self.answers.get(criterion_id)

    def is_(self, criterion_id: str, *values: object) -> bool:
        """True when the answer is one of `values` (or contains one, for lists)."""
        answer = self.get(criterion_id)
        if isinstance(answer, (list, tuple)):
            return any(item in values for item in answer)
        return answer in values

    def known(self, criterion_id: str) -> bool:
        """True when there is a real answer, not missing or skipped."""
        return self.get(criterion_id) not in (None, UNKNOWN, (), [])


def make_intake(answers: Mapping[str, object], crisis: bool = False) -> Intake:
    """Build an Intake from raw slot values, dropping invalid ones and deriving severity."""
    clean: dict[str, object] = {}
    for key, value in answers.items():
        criterion = BY_ID.get(key)
        if criterion is None or value is None:
            continue
        if criterion.multiple and value != UNKNOWN:
            items = value if isinstance(value, (list, tuple)) else [value]
            value = tuple(dict.fromkeys(items)) if all(isinstance(item, str) for item in items) else None
        if value is not None and criterion.accepts(value):
            clean[key] = value
        else:
            logger.warning("Ignored a value of %s that it does not accept (the value is not logged).", key)
    if clean.get("severity") in (None, UNKNOWN):
        derived = derive_severity(clean.get("use_frequency"), clean.get("life_impact"))
        if derived:
            clean["severity"] = derived
    return Intake(MappingProxyType(clean), crisis)


def derive_severity(frequency: object, impact: object) -> str | None:
    """Estimate mild / moderate / severe from how often it happens and how much it disrupts life."""
    if frequency not in FREQUENCY_SCORE and impact not in IMPACT_SCORE:
        return None
    score = FREQUENCY_SCORE.get(frequency, 1) + IMPACT_SCORE.get(impact, 1)
    if score >= 4:
        return "severe"
    return "moderate" if score >= 2 else "mild"
