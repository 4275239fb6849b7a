"""The compiled action-response validator accepts and rejects exactly what Rasa's does."""

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from components.speedups import compile_action_response_validation

RESPONSES = [
    {"events": [{"event": "slot", "name": "home", "value": "stable"}], "responses": [{"text": "hi"}]},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "home"}]},
    {"events": "not a list"},
    {"responses": [{"text": 3}]},
]


@pytest.mark.parametrize("result", RESPONSES)
def test_same_verdict_as_rasa(result):
    spec = RemoteAction.action_response_format_spec()
    try:
        validate(result, spec)
        expected = True
    except ValidationError:
        expected = False
    compile_action_response_validation()
    action = RemoteAction("validate_intake_form", None)
    if expected:
        assert action._validate_action_result(result) is True
    else:
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(result)
