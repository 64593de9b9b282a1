"""`rasa test core` for the test stories, with the rule components' entities left out of the
comparison.

The `language` entity (haven_nlu/language_component.py) describes the whole message, not words
in it, so a test story cannot mark it in the text; Rasa would count it as a wrong entity on every
Chinese turn. The carer's `user_role` (haven_nlu/writer_component.py) is a reading of who writes,
added where the classifier found no role. Only those two components' entities are left out:
intents, the classifier's entities and every action are still compared. Which language the
answers come in is tested in tests/test_languages.py, the carer's reading in tests/test_writer.py.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List

from haven_nlu.language_component import LanguageTagger
from haven_nlu.writer_component import WriterTagger

_RULE_EXTRACTORS = (LanguageTagger.__name__, WriterTagger.__name__)


def _without_rule_tags(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [e for e in entities or [] if e.get("extractor") not in _RULE_EXTRACTORS]


def main() -> None:
    import rasa.core.test as core_test
    from rasa.__main__ import main as rasa_main

    compare = core_test._clean_entity_results
    core_test._clean_entity_results = lambda text, entities: compare(
        text, _without_rule_tags(entities)
    )
    sys.argv = ["rasa", "test", "core", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
