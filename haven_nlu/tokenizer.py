"""Rasa tokenizer for English and Traditional Chinese in one model.

spaCy's English tokenizer leaves a run of Chinese characters as one token ("我不想活了"), which
no feature could generalise from. This tokenizer keeps spaCy's English tokens and lemmas and
re-segments every token that contains Chinese: Chinese runs are split by the configured
segmenter, Latin runs inside them ("要po我的nudes") become tokens of their own.

Segmenters (measured with cross-validation, see docs/languages.md):
- ``char`` (default): one token per character, the segmentation of spaCy's blank ``zh``
  pipeline. Needs no dictionary, so Taiwanese slang and typos are never mis-segmented; word
  n-gram features over the characters supply the words.
- ``jieba``: jieba's dictionary segmenter (its dictionary is mostly Simplified Chinese). Not
  installed by default: it lost to ``char`` (docs/languages.md); ``pip install jieba==0.42.1``
  to repeat the measurement.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, Iterator, List, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3100-\u312f\u31a0-\u31bf]+")
_OTHER_RUN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[^\sA-Za-z0-9]")
Segmenter = Callable[[str], List[str]]


def _characters(text: str) -> List[str]:
    return list(text)


def _jieba(text: str) -> List[str]:
    import jieba  # optional: only when configured

    return [word for word in jieba.cut(text, HMM=True) if word.strip()]


SEGMENTERS: Dict[str, Segmenter] = {"char": _characters, "jieba": _jieba}


def split_mixed(text: str, segment: Segmenter) -> Iterator[Tuple[str, int]]:
    """(piece, offset) for a token that contains Chinese: Chinese runs segmented, everything
    else split into Latin words, numbers and single symbols (emoji, punctuation)."""
    position = 0
    for han in _HAN_RUN.finditer(text):
        yield from _other_pieces(text[position : han.start()], position)
        offset = han.start()
        for word in segment(han.group()):
            start = text.index(word, offset)
            yield word, start
            offset = start + len(word)
        position = han.end()
    yield from _other_pieces(text[position:], position)


def _other_pieces(text: str, base: int) -> Iterator[Tuple[str, int]]:
    for match in _OTHER_RUN.finditer(text):
        yield match.group(), base + match.start()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BilingualTokenizer(SpacyTokenizer):
    """spaCy's tokens and lemmas for English; Chinese runs re-segmented (see module doc)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**SpacyTokenizer.get_default_config(), "chinese_segmenter": "char"}

    def __init__(self, config: Dict[str, Any]) -> None:
        super().__init__(config)
        name = config.get("chinese_segmenter", "char")
        if name not in SEGMENTERS:
            raise ValueError(f"chinese_segmenter must be one of {sorted(SEGMENTERS)}: {name!r}")
        self._segment = SEGMENTERS[name]

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        """spaCy's tokens, with every token that holds Chinese split into its pieces."""
        tokens: List[Token] = []
        for token in super().tokenize(message, attribute):
            if not _HAN_RUN.search(token.text):
                tokens.append(token)
                continue
            for piece, offset in split_mixed(token.text, self._segment):
                lemma = piece.lower()
                tokens.append(Token(piece, token.start + offset, lemma=lemma, data=token.data))
        return tokens
