"""What every Traditional Chinese (Taiwan) reply must satisfy: written in Chinese, without
Simplified characters or mainland terms, and without the English words of the reply templates
(sourced names, statutes and links may stay in English)."""

from __future__ import annotations

import re

HAN = re.compile(r"[\u4e00-\u9fff]")
# Simplified-only characters and mainland terms: none may appear in Taiwan texts.
SIMPLIFIED = set("这们说话时没为会来对过还让给发现网视频号码帮请问题应该样觉边开关门长东车见听读写")
SIMPLIFIED |= set("图书学习认识隐删录护导师欢线电费紧报损伤胁骚扰贴语钱亲爱怀个间与将实点络举账")
MAINLAND_TERMS = ("網絡", "网络", "視頻", "信息", "舉報", "賬號", "账号", "短信", "屏蔽", "手機號")
# Words of the English templates (actions/texts/en.yml, resources/urgent_replies.yml).
ENGLISH_TEMPLATE = re.compile(
    r"\b(call|text|or|free|confidential|Emergency|Penalty|checked|source|Where to|Who can|"
    r"People who|You did|Tell me|in danger|How to|help page|Which app|Another country|"
    r"Anywhere else|If you are|not your fault|right thing)\b"
)
_LINK = re.compile(r"https?://\S+|\b[\w.-]+\.(?:org|com|gov|uk|jp|kr|tw)\b\S*")


def assert_taiwan_chinese(text: str, english_templates_allowed: bool = False) -> None:
    """Fails naming the offending part of the text."""
    assert HAN.search(text), text
    assert not SIMPLIFIED & set(text), (sorted(SIMPLIFIED & set(text)), text)
    assert not [term for term in MAINLAND_TERMS if term in text], text
    if not english_templates_allowed:
        found = ENGLISH_TEMPLATE.findall(_LINK.sub(" ", text))
        assert not found, (found, text)
