"""Who is writing: a young person, or an adult who names a child in their care ("my daughter",
"one of my pupils", 我兒子, 我是導師), so the answers speak to that reader.

A parent who writes "my son says he wants to die" needs the numbers, and also to hear what to do
for him (stay with him, put medicines and blades away, call the line together), not "feeling this
way is not your fault" and "are you safe right now?". The intent classifier finds a role only
where the writer says "i'm a mum"; this reads the words a carer uses for the child.

Only clear signals count: a child taken for an adult would be answered as someone else's parent,
which is worse than the child-first wording an unrecognised adult still gets. So "my kid brother",
"my baby" (a partner), "my 14 year old brain", "my teen account", "Mom, I need help", "i'm the mom
friend", "im a teacher's pet", "我是媽媽的出氣筒" ("I'm my mum's punching bag"), "我老二" and
"班上有學生一直霸凌我" name no child in the writer's care.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional, Tuple

YOUTH = "youth"
PARENT = "parent"
EDUCATOR = "educator"
PROFESSIONAL = "professional"
# Readers who get the adult wording and adult services.
ADULT_ROLES = (PARENT, EDUCATOR, PROFESSIONAL)
ROLES = (YOUTH, *ADULT_ROLES)

_YOUNGEST_USER_AGE = 5
_ADULT_AGE = 18
# A message or a role entity that is only a self-stated age: "13", "im 13", "i am 14 years old",
# "12 y/o", "age 15", "我13歲", "十四歲". Anything longer ("my daughter is 13") says nothing about
# the writer.
_SELF_STATED_AGE = re.compile(
    r"^\s*(?:i'?m|i am|im only|i'?m only|age|aged|我(?:今年|才|已經)?)?\s*(\d{1,2})\s*"
    r"(?:yo|y/o|yrs?|years?(?: old)?|btw|tho|歲了?|岁)?\s*[.!]*\s*$",
    re.IGNORECASE,
)
# Ages from 5 to 17 written in Chinese numerals.
_CHINESE_CHILD_AGES = {"五", "六", "七", "八", "九", "十", *(f"十{d}" for d in "一二三四五六七")}
_CHINESE_AGE = re.compile(r"^\s*(?:我(?:今年|才)?)?\s*([十五六七八九][一二三四五六七]?)歲\s*$")
# A school year in Taiwan: 小一 to 小六, 國一 to 國三, 高一 to 高三, or the school itself.
_CHINESE_SCHOOL_YEAR = re.compile(
    r"^\s*(?:我(?:是|讀|在|現在)?)?\s*(?:國小|國中|高中|小[一二三四五六]|國[一二三]|高[一二三]"
    r"|國中[一二三](?:年級)?|國小[一二三四五六](?:年級)?|[一二三四五六]年級)(?:生|學生)?(?:了|啦|而已)?\s*$"
)


def role_from_value(value: Optional[str]) -> Optional[str]:
    """A known role for an entity value or a message that only states an age or a school year;
    an age under 18 means a young person. Anything else (a stray word the classifier tagged,
    "year", "老二") is no role."""
    if not value or not isinstance(value, str):
        return None
    normalised = value.strip().casefold().replace("\u2019", "'")
    if normalised in ROLES:
        return normalised
    match = _SELF_STATED_AGE.match(normalised)
    if match and _YOUNGEST_USER_AGE <= int(match.group(1)) < _ADULT_AGE:
        return YOUTH
    chinese_age = _CHINESE_AGE.match(normalised)
    if chinese_age and chinese_age.group(1) in _CHINESE_CHILD_AGES:
        return YOUTH
    return YOUTH if _CHINESE_SCHOOL_YEAR.match(normalised) else None


def role_from_values(values: Iterable[Optional[str]]) -> Optional[str]:
    """The first recognisable role among several entity values."""
    for value in values:
        role = role_from_value(value)
        if role:
            return role
    return None


# ---------------------------------------------------------------- an adult naming a child

_NUMBER = r"(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)"  # noqa: E501
# "14 year old", "14-year-old", "14yo", "14 y/o": each form once, so matching stays linear.
_AGE = rf"{_NUMBER}(?:yo|y/o| yo| y/o|[ -]?yrs?[ -]old|[ -]years?[ -]old)"
# Words that may stand between "my" and the child: an age, an order of birth, a kind of bond;
# at most three, each followed by one space or hyphen.
_QUALIFIER = (
    rf"(?:{_AGE}|little|eldest|oldest|youngest|middle|teenage|adopted|foster|only|twin|autistic"
    r"|disabled)"
)
_QUALIFIERS = rf"(?:{_QUALIFIER}[ -]){{0,3}}"
_OWN_CHILDREN = (
    r"(?:son|sons|daughter|daughters|stepson|stepdaughter|step son|step daughter|grandson"
    r"|granddaughter|grandkids?|grandchild(?:ren)?|kids?|kiddos?|child|children|teenager|teen|teens"
    r"|foster (?:son|daughter|child|kid))"
)
# What may follow the child word and make it something else: a sibling or friend ("my kid
# brother"), a part of the writer's own life ("my teen years", "my child self", "my kid account"),
# a game or a story ("my daughter in the sims").
_NOT_A_CHILD_AFTER = (
    r"(?!['\u2019]s? (?:account|profile)| ?(?:brother|sister|bro|sis|cousin|friend|boyfriend"
    r"|girlfriend|bf|gf|crush|bestie|bff|ex|years|year|self|hood|account|menu|table|club|group"
    r"|brain|mode|version|era|phase|side|pfp|avatar|character|oc)\b"
    r"| (?:in|on) (?:the sims|sims|bitlife|animal crossing|roblox|minecraft|the game|my game"
    r"|fanfic|my fanfic|roleplay|rp|the roleplay)\b)"
)
# An age standing for the child ("my 13 year old said", "our 15yo is missing"): only where what
# follows reads as the child acting or being spoken of, not "my 14 year old brain" or "my 3 year
# old nephew".
_AGE_AS_CHILD_FOLLOWS = (
    r"(?=\s*(?:$|[,.!?;:()\-\u2013\u2014]|(?:is|was|has|had|just|keeps?|kept|said|says|told|tells"
    r"|texted|texts|wants?|wanted|won't|wont|can't|cant|doesn't|doesnt|didn't|did|got|gets|went"
    r"|goes|came|left|hit|hits|hurt|hurts|cut|cuts|asked|asks|showed|found|sent|sends|ran|runs"
    r"|refuses|isn't|isnt|hasn't|hasnt|son|daughter|boy|girl|kid|child|twins?|and|who|she|he"
    r"|they|admitted|confessed|disclosed|snuck|sneaks|locked)\b))"
)
# "my mum", "i'm the mom friend", "a mother of 4" said of someone else are not the writer's role.
_ROLE_NOT_ENDED = r"(?!['\u2019]s|s\b| friend| of the| to \d| to (?:two|three|my)| in this)"
_PARENT_WORDS = (
    r"(?:mum|mom|mother|dad|father|parent|grandma|grandmother|grandad|grandfather|nan|guardian"
    r"|foster (?:parent|carer|mum|mom|dad)|kinship carer)"
)
_ENGLISH_PARENT = re.compile(
    rf"\b(?:my|our) {_QUALIFIERS}{_OWN_CHILDREN}\b{_NOT_A_CHILD_AFTER}"
    rf"|\b(?:my|our) (?:{_AGE}|eldest|youngest|oldest|little one)\b{_AGE_AS_CHILD_FOLLOWS}"
    r"|\bi (?:foster|am fostering|'m fostering|adopted) (?:a|an|two|three|\d+)\b"
    rf"|\bas (?:a|her|his|their) (?:worried )?{_PARENT_WORDS}\b{_ROLE_NOT_ENDED}"
    rf"|\bi(?:'m| am|m) (?:a|the|his|her|their) (?:worried |single |foster |step ?)?"
    rf"{_PARENT_WORDS}\b{_ROLE_NOT_ENDED}"
    # "mum of a 6 year old here", "i'm a dad of two": the writer, by the children they have.
    rf"|(?:^|\bi(?:'m| am|m) (?:a )?|\bas a )\s*(?:worried )?{_PARENT_WORDS} of (?:a|an|two|three"
    r"|four|\d+)\b"
    # "Mum here.", "foster carer here": a role opening the message, said of the writer ("Mom, I
    # need help" and "mom: you're grounded" are a child speaking to or of a parent).
    rf"|^\s*(?:worried )?(?:{_PARENT_WORDS}|grandparent) here\b"
    # "Foster carer. Our 14 year old…", not "foster carer slapped me today" (a child in care).
    r"|^\s*(?:foster|kinship) (?:carer|parent)s?\s*[.,:;]"
    # Partly in their own language: "mi hija", "moja córka".
    r"|\bmi hij[oa]\b|\bmoja c[óo]rka\b|\bm[óo]j syn\b|\banak ko\b",
    re.MULTILINE,
)
_ENGLISH_EDUCATOR = re.compile(
    r"\b(?:my|our) (?:(?:year|grade) \d{1,2} |form |new |former |own )?(?:students|pupils"
    r"|learners|tutees)\b(?! (?:account|council|union|id|card|loan|life))"
    r"|\b(?:one|two|some|a few) of my (?:students|pupils|learners)\b"
    r"|^\s*(?:teacher|tutor|coach|school counsell?or|headteacher|head teacher) here\b"
    r"|\bi(?:'m| am|m) (?:a|the|her|his|their) (?:year \d{1,2} |primary |secondary |maths |english"
    r"|science |pe |music |form |class |school |head |assistant |supply |new )?(?:teacher|tutor"
    r"|headteacher|principal|school counsell?or|teaching assistant|form tutor|safeguarding lead"
    r"|dsl|coach)\b(?!['\u2019]s|s\b)"
    r"|\bas (?:a|her|his|their) (?:\w+ )?(?:teacher|tutor|coach)\b(?!['\u2019]s|s\b)"
    r"|\bi teach (?:year|grade|class|primary|secondary|at)\b",
    re.MULTILINE,
)
_ENGLISH_PROFESSIONAL = re.compile(
    r"\bi(?:'m| am|m) (?:a|the|her|his|their) (?:\w+ )?(?:social worker|youth worker|school nurse"
    r"|nurse|doctor|gp|therapist|psychologist|paediatrician|pediatrician|case worker|caseworker"
    r"|youth pastor)\b(?!['\u2019]s|s\b)"
    r"|\b(?:a|one) of my (?:clients|patients|young people)\b|\bmy (?:client|patient)\b"
    r"|^\s*(?:youth worker|social worker|school nurse) here\b",
    re.MULTILINE,
)
# A role said of the writer ends the statement: "我是他媽媽 他…", "我是五年級孩子的媽媽。"; not
# "我是媽媽眼中的失敗品", "我是阿嬤帶大的", "我是跟媽媽住". The NLU component asks the same of
# the classifier's Chinese role entities.
STATEMENT_END = r"$|[\s，,。！？!?.、~：:；;（(]"
_STATEMENT_ENDS = rf"(?={STATEMENT_END})"
# What may come between 我是 and the role: no punctuation, not a question (我是不是…).
_STATED_AS = r"我是(?!不是)[^\s，,。！？!?.~、：:]{0,8}?"
_CHINESE_PARENT = re.compile(
    r"我(?:的|家|們家)?(?:[0-9一二三四五六七八九十]{1,3}歲的)?(?:寶貝)?"
    r"(?:兒子|女兒|孫子|孫女|孩子(?![氣子])|小孩(?![氣子]))(?!節|兵法)"
    r"|^\s*(?:我家)?(?:兒子|女兒|孫子|孫女)(?!們|節|兵法|\s*[你妳])"
    rf"|{_STATED_AS}(?:媽媽|爸爸|家長|阿嬤|阿公|奶奶|爺爺|外婆|外公|繼母|繼父|監護人|寄養家庭"
    rf"|寄養媽媽|寄養爸爸|保母){_STATEMENT_ENDS}"
    r"|身為(?:家長|父母|媽媽|爸爸|母親|父親)(?!的)"
    # A parent doing something with the child, the other parent named, a parent's plea, and
    # Taiwanese for "my grandchild", "my son", "my daughter".
    r"|陪(?:女兒|兒子|孫子|孫女)|孩子的(?:爸|媽)|^\s*家長求助|阮(?:孫|囝|查某囝|後生)"
    # The humble words for "my son" and "my daughter": 小犬, 小兒 (not 小兒科), 小女 at the start.
    r"|小犬|小兒(?!科|麻痺)|^\s*小女(?!生|孩)",
    re.MULTILINE,
)
_CHINESE_EDUCATOR = re.compile(
    r"我的學生(?!證|時代|時期|會|卡|宿舍|帳號)"
    rf"|{_STATED_AS}(?<!小)(?:老師|導師|班導|輔導老師|教練|校護){_STATEMENT_ENDS}"
    r"|身為(?:老師|導師|教師)(?!的)",
    re.MULTILINE,
)
_CHINESE_PROFESSIONAL = re.compile(
    rf"{_STATED_AS}(?:社工|社工師|心理師|諮商師|醫師|醫生|護理師|個管師){_STATEMENT_ENDS}|我的個案",
    re.MULTILINE,
)
# The opening of each line counts as the start of a message ("hi\nMum here."), hence MULTILINE.
# A nurse or a teacher who writes "my daughter" writes as her parent: family words come first.
_READINGS: Tuple[Tuple[str, re.Pattern], ...] = (
    (PARENT, _ENGLISH_PARENT),
    (PARENT, _CHINESE_PARENT),
    (EDUCATOR, _ENGLISH_EDUCATOR),
    (EDUCATOR, _CHINESE_EDUCATOR),
    (PROFESSIONAL, _ENGLISH_PROFESSIONAL),
    (PROFESSIONAL, _CHINESE_PROFESSIONAL),
)
# "he's not my kid", "she isnt even my daughter": a denial just before names no child.
_DENIED = re.compile(r"\b(?:not|isn't|isnt|aren't|arent|wasn't|wasnt|never|no longer)(?: \w+)?\s*$")
# How far back a denial is looked for: "no longer" and one word, so a long message costs no more
# per match than a short one.
_DENIAL_REACH = 40


def lowered(text: str) -> str:
    """Lower case without changing the length, so offsets still point into the message."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text).replace("\u2019", "'")


def carer_role(text: str) -> Optional[Tuple[str, int, int]]:
    """The role of an adult who names a child in their care, and where it is said, or None."""
    lower = lowered(text)
    for role, pattern in _READINGS:
        for match in pattern.finditer(lower):
            # pos and endpos, not a slice: a word cut by the window ("can|not") stays whole.
            if not _DENIED.search(lower, max(0, match.start() - _DENIAL_REACH), match.start()):
                return role, match.start(), match.end()
    return None
