"""Who is writing: an adult who names a child in their care ("my daughter", "one of my pupils",
我兒子, 我是導師), so the answers speak to that adult.

A parent who writes "my son says he wants to die" needs the numbers, and also to hear what to do
for him (stay with him, put medicines and blades away, call the line together), not "feeling this
way is not your fault" and "are you safe right now?". The intent classifier finds a role only
where the writer says "i'm a mum"; this reads the words a carer uses for the child.

Only clear signals count: a child taken for an adult would be answered as someone else's parent,
which is worse than the child-first wording an unrecognised adult still gets. So "my kid brother",
"my baby" (a partner), "my boy" (a friend), "my 19 year old boyfriend" and "我是媽媽的出氣筒"
("I'm my mum's punching bag") name no child in the writer's care.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

YOUTH = "youth"
PARENT = "parent"
EDUCATOR = "educator"
PROFESSIONAL = "professional"
# Readers who get the adult wording and adult services.
ADULT_ROLES = (PARENT, EDUCATOR, PROFESSIONAL)

# Words that may stand between "my" and the child: an age, an order of birth, a kind of bond.
_CHILD_QUALIFIERS = (
    r"(?:(?:\d{1,2} ?(?:-| )?(?:yo|y/o|yr old|yrs? old|year old|years old)|little|eldest|oldest"
    r"|youngest|middle|teenage|teen|adopted|foster|only|twin|autistic|disabled|(?:\d{1,2}|two|three"
    r"|four) ?(?:-| )?(?:year|yr)s?(?:-| )old) ?(?:-| )?)*"
)
_OWN_CHILDREN = (
    r"(?:son|sons|daughter|daughters|stepson|stepdaughter|step son|step daughter|grandson"
    r"|granddaughter|grandkids?|grandchild(?:ren)?|kids?|child|children|teenager|teen|teens"
    r"|foster (?:son|daughter|child|kid))"
)
# A relation after the child word makes it the writer's sibling or friend ("my kid brother").
_NOT_A_CHILD_AFTER = r"(?! ?(?:brother|sister|bro|sis|cousin|friend|boyfriend|girlfriend|bf|gf))"
# "he's not my kid": a denial names no child in the writer's care.
_NOT_DENIED = r"(?<!not )(?<!n't )"
_ENGLISH_PARENT = re.compile(
    rf"{_NOT_DENIED}\b(?:my|our) {_CHILD_QUALIFIERS}{_OWN_CHILDREN}\b{_NOT_A_CHILD_AFTER}"
    # "my 13 year old said", "our 15yo": an age standing for the child.
    rf"|{_NOT_DENIED}\b(?:my|our) \d{{1,2}} ?(?:-| )?(?:yo|y/o|year old|year-old)\b"
    r"(?! ?(?:brother|sister|bro|sis|cousin|friend|boyfriend|girlfriend|bf|gf|man|guy|woman"
    r"|neighbou?r|coach|teacher|uncle|aunt))"
    r"|\bas (?:a|her|his|their) (?:worried )?(?:parent|mum|mom|mother|dad|father|grandparent"
    r"|grandmother|grandma|grandfather|grandad|foster (?:parent|carer)|guardian)\b"
    # "mum of a 6 year old here", "dad of two": a parent by the children they have.
    r"|\b(?:mum|mom|mother|dad|father|parent|grandma|grandmother|grandad|grandfather)"
    r" of (?:a|an|two|three|four|\d+)\b"
    # "parent here.", "foster carer, ...": a role opening the message (not "mom: you're grounded.
    # me: ...", a child's meme of a dialogue).
    r"|^\s*(?:worried )?(?:parent|mum|mom|dad|father|mother|foster carer|grandma|grandad"
    r"|grandparent)(?: here)?\s*[.,!-]"
    # Patois and Spanglish: "mi son 13".
    r"|\bmi (?:son|daughter|pickney)\b"
    r"|\bi(?:'m| am|m) (?:a|the|his|her|their) (?:worried |single |foster |step ?)?"
    r"(?:mum|mom|mother|dad|father|parent|grandma|grandmother|grandad|grandfather|nan|guardian"
    r"|foster (?:parent|carer|mum|mom|dad)|kinship carer)\b(?! of (?:a|an) (?:friend|classmate))",
)
_ENGLISH_EDUCATOR = re.compile(
    r"\b(?:my|our) (?:\w+ )?(?:students?|pupils?|learners?|tutees?)\b"
    r"|^\s*(?:teacher|tutor|coach|school counsell?or)(?: here)?\s*[.,!-]"
    # Only a teacher's words: children also write "a kid in my class" (of a classmate).
    r"|\b(?:a|one|two|some) (?:of )?(?:the )?(?:student|pupil)s? in my"
    r" (?:class|form|tutor group|year \d+ class|team)\b"
    r"|\bi(?:'m| am|m) (?:a|the|her|his|their) (?:\w+ )?(?:teacher|tutor|headteacher|head teacher"
    r"|principal|school counsell?or|teaching assistant|form tutor|safeguarding lead|coach)\b"
    r"|\bas (?:a|her|his|their) (?:\w+ )?(?:teacher|tutor|coach)\b"
)
_ENGLISH_PROFESSIONAL = re.compile(
    r"\bi(?:'m| am|m) (?:a|the|her|his|their) (?:\w+ )?(?:social worker|youth worker|school nurse"
    r"|nurse|doctor|gp|therapist|psychologist|paediatrician|pediatrician|case worker|caseworker)\b"
    r"|\b(?:a|one) of my (?:clients|patients|young people)\b|\bmy (?:client|patient)\b"
    r"|\ba (?:child|young person|kid|teen) i (?:work|support) with\b"
)
# The ones that read as a role also name the writer's role ("我是他媽媽"), not the child's
# ("我是媽媽的出氣筒": I am mum's punching bag).
_CHINESE_PARENT = re.compile(
    r"我(?:的|家|們家)?(?:[0-9一二三四五六七八九十]{1,3}歲的)?(?:寶貝)?"
    r"(?:兒子|女兒|孩子|小孩|孫子|孫女|老大|老二|老么)"
    r"|^\s*(?:我家)?(?:兒子|女兒|孫子|孫女)(?!們)"
    r"|我是[^ ，,。！？]{0,8}?(?:媽媽|爸爸|家長|阿嬤|阿公|奶奶|爺爺|外婆|外公|繼母|繼父|監護人"
    r"|寄養家庭|保母)(?!的)"
    r"|身為(?:家長|父母|媽媽|爸爸|母親|父親)"
    # A parent doing something with the child, the other parent named, a parent's plea, and
    # Taiwanese for "my grandchild", "my son", "my daughter".
    r"|陪(?:女兒|兒子|孫子|孫女)|孩子的(?:爸|媽)|^\s*家長求助|阮(?:孫|囝|查某囝|後生)"
)
_CHINESE_EDUCATOR = re.compile(
    r"我的學生|^\s*學生(?!們)|我們班(?:上)?(?:的|有)?(?:一個|個)?(?:學生|孩子)|班上(?:有)?(?:一個|個|的)?學生"
    r"|我是[^ ，,。！？]{0,8}?(?:老師|導師|班導|輔導老師|教練|校護)(?!的)|身為(?:老師|導師|教師)"
)
_CHINESE_PROFESSIONAL = re.compile(
    r"我是[^ ，,。！？]{0,8}?(?:社工|心理師|諮商師|醫師|醫生|護理師|個管師)(?!的)|我的個案"
)
# A nurse or a teacher who writes "my daughter" writes as her parent: family words come first.
_READINGS: Tuple[Tuple[str, re.Pattern], ...] = (
    (PARENT, _ENGLISH_PARENT),
    (PARENT, _CHINESE_PARENT),
    (EDUCATOR, _ENGLISH_EDUCATOR),
    (EDUCATOR, _CHINESE_EDUCATOR),
    (PROFESSIONAL, _ENGLISH_PROFESSIONAL),
    (PROFESSIONAL, _CHINESE_PROFESSIONAL),
)


def carer_role(text: str) -> Optional[Tuple[str, int, int]]:
    """The role of an adult who names a child in their care, and where it is said, or None."""
    lowered = text.lower().replace("\u2019", "'")
    for role, pattern in _READINGS:
        match = pattern.search(lowered)
        if match:
            return role, match.start(), match.end()
    return None
