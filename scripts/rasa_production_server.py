"""Rasa for the production profile: `scripts.rasa_server` (the 2 s action timeout) plus one fix
on Rasa 3.6's hot path, measured with py-spy (docs/performance.md).

Rasa checks every action server response against its JSON schema with `jsonschema.validate`,
which first re-validates the schema itself against the JSON-Schema meta-schema: about a quarter
of Rasa's CPU time under load went there. The response is still validated, with the same schema,
the same validator class and the same reported error (`best_match`); only the schema is checked
once, at start-up, instead of on every call.
"""

from __future__ import annotations

from typing import Any, Dict

from scripts import rasa_server


def install_speedups() -> None:
    """Validates action server responses with one validator built at start-up."""
    from jsonschema import validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import RemoteAction

    spec = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(spec)
    validator_class.check_schema(spec)
    validator = validator_class(spec)
    original = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        if best_match(validator.iter_errors(result)) is None:
            return True
        # Invalid: Rasa's own check raises the same error with its explanation.
        return original(self, result)

    RemoteAction._validate_action_result = validate_action_result


def main() -> None:
    install_speedups()
    rasa_server.main()


if __name__ == "__main__":
    main()
