"""`rasa test core` for the test stories, with the `language` entity left out of the comparison.

The `language` entity (haven_nlu/language_component.py) describes the whole message, not words
in it, so a test story cannot mark it in the text; Rasa would count it as a wrong entity on every
Chinese turn. Only that component's entities are left out: intents, the classifier's entities
and every action are still compared. Which language the answers come in is tested separately
(tests/test_languages.py).
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List

from haven_nlu.language_component import LanguageTagger


def _without_language_tags(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [e for e in entities or [] if e.get("extractor") != LanguageTagger.__name__]


def main() -> None:
    import rasa.core.test as core_test
    from rasa.__main__ import main as rasa_main

    compare = core_test._clean_entity_results
    core_test._clean_entity_results = lambda text, entities: compare(
        text, _without_language_tags(entities)
    )
    sys.argv = ["rasa", "test", "core", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
