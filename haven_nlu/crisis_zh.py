"""The crisis safety net for Traditional Chinese (Taiwan): the rule matching of
:mod:`haven_nlu.crisis`, for messages written in Chinese.

Design. Chinese has no spaces between words, and no pretrained segmenter can be downloaded here,
so the message is split by spaCy's blank ``zh`` pipeline with its default character segmenter:
one token per character (a Latin run such as "po" or "nudes" is one token per letter too).
Patterns (``crisis_patterns_zh.yml``) are written as strings of characters with alternatives,
optional parts and bounded gaps ("想|要 ...4 結束 ?掉 這一切|一切|生命") and compiled to spaCy
``Matcher`` patterns over those character tokens. Before matching, the text is normalised: NFKC
(full-width letters and digits become half-width), lower case, a few Simplified characters
mapped to Traditional, and slang and typos rewritten by regular expressions ("自sha", "想s",
"kms", "unalive" → 自殺/想死; "nudes", "果照" → 裸照; 注音文 particles such as ㄉ → 的).

A match is then discarded when the message reads it as no crisis of the writer's own now:

* quoted: inside 「…」, 『…』 or quotation marks (「不想活了」是她的口頭禪);
* media: a song, film, book or game, then what it says or shows (這首歌的歌詞一直唱說…,
  電影演到…), unless the person was met there (遊戲裡認識的人要我開視訊); or a line quoted
  (看到一句話 …);
* topic: a lesson or a question about the subject, in a clause with no first person
  (自殺防治課程, 怎麼檢舉, 什麼是性勒索), or a topic word right after the match (自殺率); a
  lesson may be named anywhere in the sentence (…老師要我們寫心得, 課本這樣寫);
* hypothetical: "如果/萬一 …" with no first person (如果有人被家暴可以打哪支電話), or the writer
  only as the object ending a one-clause condition (如果有人跟蹤我 我要打110還是113);
* someone else: the nearest person named before the match is a third person and the match does
  not name the writer (新聞說有個高中生跳樓), unless a parent speaks of their own child
  (我女兒說她想自殺); in a parent's report (a combination), only the words said by someone else
  right before them (他們班有個同學常常說想死). Since 2026-12-04, a child's peer (a friend,
  classmate, girlfriend) named last before a self-harm match owns its 自己 (朋友一直用美工刀割自己),
  and still owns it in a later clause that leaves the speaker unsaid (我閨蜜最近都不吃飯 一直說自己
  活著幹嘛); a match qualifying a peer is the peer's (怎麼幫想自殺的朋友); none of this in a carer's
  message, and a carer who says so (我是安親班老師) writes about the children in their care;
* pet: a pet's bite or scratch in the message (我家貓一直咬我 手上都是小傷口), for self-harm;
* accident: 不小心割到手 (not for sextortion: 不小心在視訊露了 is how it starts);
* pretend: right after 假裝/假扮/擺拍 (假裝被綁架的影片);
* negated: a negation before the match with only filler characters between (我不想死,
  我沒有想自殺, 我從來沒有想過要自殺, 誰說我想死), or a denial after it (…但我沒有), but not
  "不是開玩笑";
* past: a past marker before or in the match and a resolution after it (以前會割手 已經戒掉兩年了,
  我媽以前會打我 後來…現在關係好很多), or a quitting word right before it (我戒掉自傷快一年了);
* hyperbole: "X到想死" where X is no pain (難到想死, 作業多到想死; 難過到想死 still counts), and
  laughter after a phrase marked hyperbole-prone or a danger phrase (想死lol, 要殺了我 笑死).
  Everyday intensifiers (笑死, 累死了, 熱死, 餓死, 被作業逼死) match no crisis phrase at all
  and are recorded as the non-crisis reading;
* trivial: a hyperbole-prone self-harm or danger phrase beside an everyday cause (想死喔這題好難,
  期末考週 誰來救救我), when the message holds no pain, violence or other crisis word; or an
  everyday thing as the subject of a danger phrase (考試要殺了我);
* someone else's pictures: a sextortion match naming a third person's (有人po別人的私密照).

Since 2026-12-03: 自己 after a third person is that person (某網紅說自己小時候被性侵); a past
story may be framed by today (今天翻到國一的日記 那時候…) or marked by 過 after the match
(被勒索過 … 事情已經結束了); only the match's last clause is read for a negation inside it, and
有沒有/是不是 negate nothing.

A media match also holds when a level or an episode of it is named after the match (玩恐怖遊戲
被關在地下室那關), and a resolution may start at 今年 or 如今 as well as 現在.

Since 2026-12-04: a match that opens just before a quote and ends inside it is quoted (她就要「殺了
我們全部」); a question of whether put to the writer and denied elsewhere in the message is no
crisis (問我是不是想傷害自己 … 我沒有要傷害自己); laughter after any self-harm phrase beside an
everyday cause reads it as a joke; "是三年前的事" after a match tells of the past; and 一直 in a
past story no longer keeps it current when the writer says how things are now.

Since 2026-12-04 (11th): a message opening on a bare 兒子, 女兒 or 學生 is a parent's or a
teacher's report (兒子吞了很多顆藥); a fear that proved wrong is no crisis (還以為被網友帶走 結果…);
不小心看到 is no accident of the injury seen; and a question of whether is denied by any phrase of
its category (問我是不是自殘 … 我沒有割自己).

Since 2026-12-06: a carer who says so ("我是游泳教練", "我是阿公", a grandchild anywhere, a
message opening on a bare 孩子) relays the child's quoted words and fills the first group of the
parent's combinations, unless the message names a child outside their care or is a lesson, the
news or a procedure; a carer's fright later explained (嚇了一跳 … 他說是在抄台詞) and a threat
the writer dismisses (嘴砲, 詐騙信) are no crisis; a passive agent (被同學說…) is not the subject
of a self-harm match; 不在就 is an absence, not a negation, and 或 joins two things denied; a
subject named (負責的部分是…, 解釋…) is a topic; the writer's own news after a game
(…我最近會用熱水燙手) is no scene of it. Since 2026-12-06b, kin who take a child in (我是他阿姨,
我外甥女) are carers too, "不是在嘴砲" denies a dismissal as "不是嘴砲" does, and a 書包 or a
書桌 is no book of the media.

A few cries count only as the whole message (``alone``: "救我", "救命!!"): inside a sentence
they are as often everyday exaggeration (這題好難 救我).

Combinations (every group must match somewhere in the message) cover a parent reporting their
child's crisis, a child under 18 asked for pictures, a meeting or a secret, and pictures held
together with money asked or a countdown. The result has the same shape as the English
detector's (:class:`~haven_nlu.crisis.Assessment`); :class:`~haven_nlu.crisis.CrisisDetector`
runs this detector besides the English one on any message with Chinese in it and keeps the more
urgent finding, so "他說要po我的nudes" is read by both.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import Matcher

from haven_nlu.crisis import NOT_A_CRISIS, SOMEONE_ELSE, Assessment, CrisisFinding
from haven_nlu.writer import lowered

PATTERNS_FILE = Path(__file__).with_name("crisis_patterns_zh.yml")
SENTENCE_ENDS = "。!?\n.…"
CLAUSE_ENDS = SENTENCE_ENDS + ",，、;；:： ~～"
_NEGATION_CHARS = ("不", "沒", "別", "無")
_PASSIVE = ("被", "遭")
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』|“[^”]*”|\"[^\"]*\"|‘[^’]*’|《[^》]*》")
# "X到想死", "X到我都想自殺", "爛到可以直接去跳海": a degree complement before the match.
# 2026-12-02e: "好吃到我可以為它去死".
# Not after a verb of perception or motion ("看到美工刀又忍不住了"), but 好看到, 好聽到 are.
_DEGREE = re.compile(
    r"(?<![^好很太超]看)(?<!^看)(?<![^好很太超]聽)(?<!^聽)(?<![想遇收找拿等走做來回碰])"
    r"到我?(?:都|快|真的)?(?:會)?(?:想要|好想|想|要)?(?:可以)?(?:直接)?"  # 會: 2026-12-06c
    r"(?:為了?(?:它|牠|你|妳|他|她|這個?))?(?:下)?(?:去)?(?:原地)?$"  # 下: 2026-12-04 (11th)
)
# "被勒索過": 過 after a match tells of the past, but not "過來", "過去", "過後".
_NOT_EXPERIENCE = ("過來", "過去", "過後")
# 2026-12-04: "被跟蹤是三年前的事": the match said to be a thing of the past, right after it.
_PAST_THING = re.compile(
    r"(?:是|都是|已經是)(?:[一二兩三四五六七八九十幾好多\d]+(?:年|個月|週|個禮拜)前|以前|之前|小時候|去年|前年)的事"
)
# "有沒有", "是不是": a question, not a negation, inside a match.
_QUESTION = re.compile(r"(.)[不沒]\1")
# "問我是不是想…": a question of whether, before a match. 2026-12-04.
_ASKED = re.compile(r"(?:是不是|有沒有|會不會)[想要會有在]*(?:在(?:家|學校|外面))?[想要會有在]*$")
_CLAUSE_SPLIT = f"[{re.escape(CLAUSE_ENDS)}]"
# A stretch of English words in a Chinese message ("那首英文歌一直唱 I wanna die").
_ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’ ,.!?-]*")
# "跟網友裸聊被錄下來": the one the writer was with is no subject.
_WITH_OTHER = re.compile(r"(?<![他她們人])(?:跟|和|與)(?:網友|朋友|同學|男友|女友|他|她)")
_WE = re.compile("我們")
# "留言說", "po文寫": a report of what someone said, right before a match.
_SPEECH_BEFORE = re.compile(r"(?:說|講|留言|寫|貼文|po文|發文)$")
# A clause that starts by saying, its speaker left unsaid ("還一直說想死").
_SPEECH_OPENS = re.compile(
    r"(?:還|又|也|都|就|一直|常常|老是|總是|每天)*(?:說|講)(?:她|他)?(?:好|很|真的|超)?(?:想|要)?$"
)
# "打小孩算家暴嗎": whether something counts as the subject, right before a match (not 打算, 就算).
_COUNTS_AS = re.compile(r"(?<![打計就總])算(?:是|不算)?$")
_THIS_CASE = re.compile(r"(?:這樣|這種|這個|這)(?:子)?(?:也|還)?算")
# 2026-12-06d: "大家都以為我要去補習，其實我今晚要跳樓": what comes before 其實 is the cover
# story; an everyday cause there makes no joke of what follows.
_SINCERELY = re.compile("其實|老實說|說真的|事實上")
# Words between an everyday subject and a danger phrase: "考試要殺了我".
_SUBJECT_FILLERS = "要會快真的都就一定是"
# The writer by name, not by 自己 (which points back to whoever the subject is).
_EXPLICIT_WRITER = re.compile(r"(?<!自)我(?!們)|俺|本人")
# 2026-12-06b: a schoolbag or a desk is no book ("整理他書包發現一封信", "書桌上有…的信").
_NOT_A_WORK = re.compile(r"書(?=包|桌|櫃|房|架)")
# 2026-12-06b: "不是嘴砲", "不是在嘴砲", "沒在嘴砲": the writer denies dismissing it.
_NOT_THAT = ("不是", "不", "不是在", "沒在", "沒有在")
# "我是安親班老師", "我是他阿嬤": the writer cares for the children they write about.
_CARER_SAYS = re.compile(
    r"我(?:就)?是[^ ，,。]{0,8}?"
    r"(?:老師|導師|教練|保母|社工|輔導員|志工|長老|牧師|阿嬤|阿公|奶奶|爺爺|外婆|外公|媽媽|爸爸|家長"
    r"|繼母|繼父|輔導)"  # 繼母, 繼父, 輔導: 2026-12-04 (11th)
    # 2026-12-06b: kin who take a child in ("我是他阿姨"), not "我是被叔叔…".
    r"|我(?:就)?是(?:他|她|孩子|小孩)的?(?:阿姨|姑姑|舅舅|舅媽|嬸嬸|叔叔|伯伯)"
)
# 2026-12-04 (11th): a message that opens on a bare "兒子", "女兒" or "學生" ("兒子吞了很多顆藥",
# "學生又自傷了") is a parent or a teacher speaking of their own: Chinese leaves out the "my".
_OWN_CHILD_OPENING = re.compile(r"^\s*(?:我家)?(?:兒子|女兒|孫子|孫女|學生|孩子|小孩)(?!們)")
# 2026-12-06: a grandchild anywhere ("阿嬤不太會打字 孫女把房間門鎖起來"): a child writing has none,
# so the writer is the grandparent, not someone reporting another family's child.
_GRANDCHILD = re.compile(r"(?<![的他她])孫(?:女|子)")
_CHILDREN_IN_CARE = ("男生", "女生", "男孩", "女孩", "孩子", "小孩", "學生", "小朋友", "他", "她")
# 別班, 隔壁班, 外校: 2026-12-05.
_NOT_IN_CARE = re.compile(
    r"(?:別人|別的|其他|另一個|另外一個|另一所|別班|隔壁班|外校|別校"
    # 別校, 聽到有個… 他們學校: 2026-12-06
    r"|聽到有個|看到有個|聽到一個|看到一個|他們有|他們的|他們班|他們學校)[^ ，,。]{0,4}的?$"
)
# 2026-12-06c: a part or a line of a play or a film, right before a quote.
_SCRIPT = ("角色", "台詞", "劇本", "劇情", "主角", "女主", "男主")
# Words that start a new thought after a match ("他說他想死 那我要怎麼辦").
_CONJUNCTIONS = ("那", "所以", "然後", "可是", "但", "而且", "還是")
# 2026-12-04 (11th): 不小心 with a verb of noticing ("不小心看到他的傷"): no accident of the injury.
_BY_CHANCE = re.compile(r"不小心(?:看到|看見|發現|聽到|翻到|瞄到)")
# 2026-12-06: a child outside the writer's care, anywhere in the message.
_OUTSIDE_CARE = (
    *("別人家", "別人的", "別的學校", "別的小組", "別的班", "另一個學校", "另一所"),
    *("另一個保母", "別班", "隔壁班", "外校", "別校"),
)
# 2026-12-06: a carer's message about a lesson, the news, a procedure or a fear of whether.
_CARER_NOT_A_REPORT = ("通報", "新聞", "以為", "是不是", "課", "流程", "檢舉")
# 2026-12-06: words that name a subject right before the match, or ask someone else whether.
_NAMED_TOPIC = re.compile(
    r"(?:主題是|題目是|負責的部分是|要寫的是|解釋|不一定等於|不等於"
    r"|問(?:對方|朋友|同學)(?:是不是|有沒有|會不會)"
    # 2026-12-06c: "一段關於網路性騷擾的內容": what a talk or a text is about.
    r"|關於(?:網路|校園|職場|兒少|兒童|青少年|數位)?"
    # 2026-12-07 (22nd): what a video or a channel teaches anyone ("影片在教人怎麼自殺").
    r"|教人(?:怎麼|如何|怎樣)?)想?$"
)
# 2026-12-06: the writer asked to keep something quiet ("叫我不要跟大人說").
_KEEP_QUIET = re.compile(r"(?:叫|要)我(?:不要|別|不能|不准)")
# 2026-12-06: "跟我媽說我想死": the writer tells what they said, then denies it elsewhere.
_SAID_IT = re.compile(
    r"(?:我(?:剛剛|今天|昨天|有)?(?:跟|對|和)[^ ，,。]{0,4}|跟我)說(?:我|她|他)?$"
)
# 2026-12-06: a blade named by the tool it came from ("削鉛筆機拆下來的刀片", "削鉛筆的刀片").
_TOOL_USE = re.compile(r"削鉛筆(?:機|器)?")
# Wanting it, right before a match: "好想割手", "忍不住又劃", "故意割".
_WISHES = ("想", "故意", "忍不住", "衝動")  # 想 holds 想要
_WISH_BEFORE = re.compile(rf"(?:{'|'.join(_WISHES)})(?:又|再|去|要|把)?$")
# Cut by a thing, not with it: "被美工刀劃到", "被紙割到", "被草割傷" (not "被他用刀割").
_CUT_BY_A_THING = re.compile(
    r"被(?:美工刀|刀片|刀子|菜刀|水果刀|小刀|剪刀|紙|玻璃|釘子|鐵絲|樹枝|草|罐頭|鐵片)"
    r"(?:割|劃|刮|刺|戳)(?:到|傷|破)"
)
# 2026-12-06: the writer turns to their own doings of late ("… 我最近會用熱水燙手").
_OWN_NEWS = re.compile(r"我(?:也|自己)?(?:最近|今天|剛剛|昨天|每天|常常)")
# 2026-12-06: the agent of a passive ("被同學說是…之後回家又割了"): the one it was done to, the
# writer, is still the subject.
_PASSIVE_AGENT = re.compile(r"被[^ ，,。]{1,4}?(?=說|罵|笑|打|欺負|嘲笑|排擠|講|嗆|霸凌)")
# "我是一個想死的學生", "像我這種想死的人": the writer says who they are.
_IDENTIFY = re.compile(r"我(?:就|真的|也)?是|像我")
# 2026-12-05: a third person as the object inside the match ("要她傳", "威脅他", "把他打到住院"):
# in a child's message the one it is done to is someone else; a parent's 她 is their child.
_THIRD_OBJECT = re.compile(
    r"(?:要|叫|逼|威脅|恐嚇|勒索|打|揍|踢|把|跟蹤|騙|摸|害)(?:他|她)(?!們|說|就|會|要|的|看|摸)"
)
# Words that tell a carer's message even without "我的": the 他/她 may be their child.
_CHILD_IN_MESSAGE = ("女兒", "兒子", "孩子", "小孩", "孫", "姪", "弟弟", "妹妹", "家長", "我們家")
# 2026-12-05: someone else's family as the agent ("他爸爸會拿棍子打人", "她爸會打她").
_THEIR_FAMILY = re.compile(
    r"(?:他|她)(?:們)?(?:的)?(?:爸爸|媽媽|爸|媽|繼父|繼母|後爸|後媽|家人|哥哥|姊姊|姐姐|阿公|阿嬤)(?!的)"
)
# 2026-12-05: a clause that only denies ("我真的沒有", "沒有好嗎", "才沒有啦").
_BARE_DENIAL = re.compile(
    r"^(?:我)?(?:說|回答|回)?(?:真的|就|才|根本|當然)?(?:沒有|沒)(?:啦|好嗎|喔|啊|欸|耶|好不好)*$"
)
# 2026-12-06: "X不在(家)(的時候)就…": someone away, then what happens, is no negation.
_ABSENT_THEN = re.compile(r"[不沒]在(?:家)?(?:的時候|時)?就")
# 2026-12-06: "沒有想要自殺或傷害自己": a first thing denied, joined by 或 to the match.
_DENIED_WITH = re.compile(r"[^ ，,。]{1,6}?(?:或是|或者|或|、)$")
# 2026-12-05: a question about the term in the clause before ("聯絡簿寫網路勒索 是啥").
_TERM_QUESTION = re.compile(r"^\s*(?:這|那)?(?:是啥|是什麼|啥意思|什麼意思|是什麼意思|是指什麼)")
# 2026-12-05: the grade or the time the writer is at now ("現在高二了", "現在也一年了").
_NOW_SINCE = re.compile(
    r"^(?:也|都|已經|我)*(?:國[一二三]|高[一二三]|大[一二三四]|大學"
    r"|[一二兩三四五六七八九十幾\d]+(?:年|個月)了)"
)
# 2026-12-06c: "好" of degree ("現在好怕", "現在好想死") is no "好" of being well.
_NOT_WELL = re.compile(r"好(?:怕|可怕|害怕|恐怖|痛|難過|想|累|煩|絕望|不|難受|崩潰)")
# 2026-12-07 (22nd): "現在還好" is fine now, not "現在還…" (still): no relapse.
_STILL_FINE = re.compile(r"還(?=好|可以|不錯|ok|OK)")
# 2026-12-07 (22nd): an animal right before a danger match ("我家的貓被關在廁所", "狗狗被鎖在
# 陽台"): the pet is the one shut in, not the writer (but "我跟貓被關在廁所" is both).
_ANIMAL_BEFORE = re.compile(
    r"^[^跟和與]*(?:貓|狗|貓咪|狗狗|寵物|兔子|倉鼠|鸚鵡|天竺鼠|烏龜|小鳥|鳥|牠)"
    r"(?:又|也|一直|常常|都|就)?$"
)
_LOOK_BACK = 15  # characters searched for the subject before a match
_PASSIVE_LOOK_BACK = 8  # characters searched for the 被 of a victim's form ("被網友拿照片勒索")
_MEDIA_LOOK_BACK = 20
# 2026-12-05: a work named further back ("我最近在看一本小說 主角是…他被繼父虐待 每天都被關在…")
# counts when no first person comes between.
_MEDIA_FAR = 40
_NEGATION_LOOK_BACK = 8
_AFTER = 15  # characters read after a match for a denial or laughter
_DENIAL_FAR = 40  # characters read after a match for a plain denial of the whole of it
_RESOLUTION_AFTER = 30
# A resolution told at length ("…後來導師發現了 幫我轉介輔導室") may come further on.
_RESOLUTION_FAR = 60


@dataclass(frozen=True)
class _Phrase:
    """One pattern: its key, category and the conditions its text sets around a match."""

    key: str
    category: str
    required: Tuple[Tuple[str, ...], ...]  # each group: one of these must be in the message
    not_before: Tuple[str, ...] = ()
    not_after: Tuple[str, ...] = ()
    self_negating: bool = False
    hyperbole_prone: bool = False
    combo: Optional[Tuple[int, int]] = None  # (combination, group) for a combination's phrase


@dataclass(frozen=True)
class _Text:
    """The normalised message and where its sentences and clauses end."""

    text: str
    sentence_ends: Tuple[int, ...]
    clause_ends: Tuple[int, ...]
    quoted: Tuple[Tuple[int, int], ...]

    @classmethod
    def of(cls, text: str) -> _Text:
        return cls(
            text,
            tuple(i for i, ch in enumerate(text) if ch in SENTENCE_ENDS),
            tuple(i for i, ch in enumerate(text) if ch in CLAUSE_ENDS),
            tuple(match.span() for match in _QUOTED.finditer(text)),
        )

    def sentence(self, start: int, end: int) -> Tuple[int, int]:
        return _bounds(self.sentence_ends, start, end, len(self.text))

    def clause(self, start: int, end: int) -> Tuple[int, int]:
        return _bounds(self.clause_ends, start, end, len(self.text))


def _bounds(ends: Sequence[int], start: int, end: int, length: int) -> Tuple[int, int]:
    """The stretch between the boundary before `start` and the one at or after `end`."""
    before = bisect.bisect_left(ends, start)
    after = bisect.bisect_left(ends, end)
    return (ends[before - 1] + 1 if before else 0, ends[after] if after < len(ends) else length)


def _word_ends(text: str, words: Iterable[str]) -> List[int]:
    """Where each of ``words`` found in ``text`` first ends."""
    return [text.find(w) + len(w) for w in words if w in text]


def _has(text: str, words: Iterable[str]) -> bool:
    return any(word in text for word in words)


def _bare(text: str) -> str:
    """The message without punctuation, spaces and a trailing 啊/啦: "救命啊!!!" → "救命"."""
    text = re.sub(r"[\W_]+", "", text)
    return re.sub(r"[啊阿啦呀]+$", "", text)


class ChineseCrisisDetector:
    """Finds crisis statements in a Chinese message. Thread-safe after construction."""

    def __init__(self, patterns_file: Path = PATTERNS_FILE, nlp: Optional[Language] = None):
        # The default segmenter of the blank Chinese pipeline is "char": no model, no download.
        self.nlp = nlp or spacy.blank("zh")
        config = yaml.load(patterns_file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        self._rewrites = [(re.compile(source), target) for source, target in config["rewrites"]]
        pairs = config.get("simplified") or ""
        self._simplified = str.maketrans(pairs[0::2], pairs[1::2])
        self._context: Dict[str, Any] = config["context"]
        self._first = re.compile(self._context["first_person"])
        # "我家貓一直咬我 手上都是小傷口": a pet's bite or scratch, not self-harm.
        self._pet = re.compile(self._context.get("pet_injury") or "(?!)")
        # "有個同學常常說" right before a match: the words are that person's.
        others = "|".join(map(re.escape, sorted(self._context["third_party"], key=len)[::-1]))
        self._said = re.compile(
            f"({others})(?:常常|一直|都|也|又|老是|總是)?(?:說|講)(?:好想|想要|想|要)?$"
        )
        # "某網紅說自己…", "自殘的人為什麼要傷害自己": 自己 after a third person is that person.
        self._their_self = re.compile(
            f"((?:{others}|的人)[^我{re.escape(CLAUSE_ENDS)}]{{0,6}}?)自己"
        )
        # "看到一句話 …": a line quoted, then what it says.
        says = "|".join(map(re.escape, self._context.get("says") or ())) or "(?!)"
        self._says = re.compile(f"(?:{says})(?:是|說|寫)?[ :：,，]")
        works = "|".join(map(re.escape, self._context.get("works_after") or ())) or "(?!)"
        self._named_work = re.compile(f"(?:題材|情節|相關)?的?(?:{works})")
        # A teacher, foster parent or social worker reports a child in their care as a parent
        # does their own ("我是六年級導師 班上一位學生…").
        carers = tuple(self._context.get("carers") or ())
        self._carers = tuple(self._context["own_child"]) + carers
        self._speakers = carers + ("老師",)  # whose own words in quotes are a saying
        self._relay_verbs = tuple(self._context.get("relay_verbs") or ())
        self._fillers = set(self._context["fillers"])
        # Longest first, so "沒有人" is tried before "沒".
        self._negators = sorted(self._context["negators"], key=len, reverse=True)
        self.categories: List[str] = list(config["categories"])
        self.intents = {name: spec["intent"] for name, spec in config["categories"].items()}
        self._phrases: List[_Phrase] = []
        self._matchers: Dict[str, Matcher] = {}
        self._exact: Dict[str, re.Pattern] = {}
        for category, spec in config["categories"].items():
            for kind, prone in (("phrases", False), ("hyperbole_prone", True)):
                for number, phrase in enumerate(spec.get(kind) or [], start=1):
                    key = f"{category}:zh{'-h' if prone else ''}{number}"
                    self._add(key, category, phrase, hyperbole_prone=prone)
        self._combos: List[Tuple[str, int]] = []
        # 2026-12-06: combinations whose first group names the writer's own child also hold for
        # a carer who says so ("我是游泳教練 … 她現在躲在更衣室"), as the detector reads them.
        self._carer_combos = {
            index
            for index, combo in enumerate(config.get("combos") or [])
            if combo.get("carer") == "true"
        }
        for index, combo in enumerate(config.get("combos") or []):
            self._combos.append((combo["category"], len(combo["groups"])))
            for group, phrases in enumerate(combo["groups"]):
                for number, phrase in enumerate(phrases, start=1):
                    key = f"combo{index + 1}.{group + 1}:{number}"
                    self._add(key, combo["category"], phrase, combo=(index, group))
        for number, phrase in enumerate(config.get(NOT_A_CRISIS) or [], start=1):
            self._add(f"{NOT_A_CRISIS}:zh{number}", NOT_A_CRISIS, phrase)
        self._everyday = [f"{NOT_A_CRISIS}:zh1"]  # the everyday intensifiers (笑死, 氣死)
        self._prone_by_category: Dict[str, List[re.Pattern]] = {}
        for phrase in self._phrases:
            if phrase.hyperbole_prone:
                self._prone_by_category.setdefault(phrase.category, []).append(
                    self._exact[phrase.key]
                )
        # Whole-message cries ("救我"): compared with the message stripped of punctuation.
        self._alone: Dict[str, str] = {
            _bare(self.normalise(phrase)): f"{category}:zh-alone{number}"
            for category, phrases in (config.get("alone") or {}).items()
            for number, phrase in enumerate(phrases, start=1)
        }
        # "不然", "不停", "不小心": a negation character that negates nothing in a gap.
        self._not_negations = tuple(self._context.get("not_negations") or ())
        self._unless = tuple(config.get("not_a_crisis_unless") or ())

    # ------------------------------------------------------------------ building the patterns

    def _add(self, key: str, category: str, phrase: str, **kind: Any) -> None:
        """Compiles one phrase (see the header of crisis_patterns_zh.yml) to spaCy patterns."""
        options: List[List[List[Dict[str, Any]]]] = []
        required: List[Tuple[str, ...]] = []
        not_before: Tuple[str, ...] = ()
        not_after: Tuple[str, ...] = ()
        literals: List[str] = []
        exact: List[str] = []  # the same phrase as a regular expression over the characters
        for segment in phrase.split():
            if segment.startswith("^"):
                not_before = tuple(segment[1:].split("|"))
            elif segment.startswith("~"):
                not_after = tuple(segment[1:].split("|"))
            elif segment.startswith("..."):
                gap = {"ORTH": {"NOT_IN": list(SENTENCE_ENDS)}, "OP": f"{{0,{int(segment[3:])}}}"}
                options.append([[gap]])
                exact.append(f"[^{re.escape(SENTENCE_ENDS)}]{{0,{int(segment[3:])}}}")
            else:
                optional = segment.startswith("?")
                words = segment.lstrip("?").split("|")
                literals.extend(words)
                options.append(self._alternatives(words, optional))
                exact.append(f"(?:{'|'.join(map(re.escape, words))}){'?' if optional else ''}")
                if not optional:
                    required.append(tuple(words))
        self._phrases.append(
            _Phrase(
                key,
                category,
                tuple(required),
                not_before,
                not_after,
                self_negating=any(ch in word for word in literals for ch in _NEGATION_CHARS),
                **kind,
            )
        )
        matcher = Matcher(self.nlp.vocab)
        matcher.add(key, [sum(choice, []) for choice in itertools.product(*options)])
        self._matchers[key] = matcher
        self._exact[key] = re.compile("".join(exact))

    def _alternatives(self, words: Sequence[str], optional: bool) -> List[List[Dict[str, Any]]]:
        """Token patterns for "a|b|c": one pattern per word length, a token set at each position
        (and none for an optional segment left out). One pattern per word made the product of a
        long phrase's segments thousands of patterns, slow to build; the sets also let through
        mixes ("跟全家說" for "跟全班說|跟大家說"), which the phrase's regular expression drops."""
        by_length: Dict[int, List[List[str]]] = {}
        for word in words:
            chars = [token.text for token in self.nlp.make_doc(word)]
            by_length.setdefault(len(chars), []).append(chars)
        choices = [
            [{"ORTH": {"IN": sorted({chars[i] for chars in group})}} for i in range(length)]
            for length, group in by_length.items()
        ]
        if optional and list(by_length) == [1]:
            return [[{**choices[0][0], "OP": "?"}]]
        return choices + [[]] if optional else choices

    # ------------------------------------------------------------------ reading a message

    def normalise(self, text: str) -> str:
        """NFKC, lower case, Simplified characters mapped, slang and typos rewritten, runs of
        spaces made one."""
        text = unicodedata.normalize("NFKC", text).lower().translate(self._simplified)
        text = re.sub(r"[ \t\u200b\u200c\u200d]+", " ", text)
        for pattern, target in self._rewrites:
            text = pattern.sub(target, text)
        return text

    def assess(self, text: str) -> Assessment:
        """The most urgent crisis finding, or why the message reads as no crisis."""
        if not text or not text.strip():
            return Assessment(None, None)
        message = _Text.of(self.normalise(text))
        alone = self._alone.get(_bare(message.text))
        if alone:
            category = alone.split(":")[0]
            return Assessment(CrisisFinding(category, self.intents[category], alone), None)
        doc = self.nlp.make_doc(message.text)
        found: Dict[str, str] = {}
        combo_hits: set = set()
        defused: Optional[str] = None
        reading: Optional[Tuple[str, int, int]] = None  # a not-a-crisis reading: key, span
        for phrase in self._phrases:
            if phrase.category in found and phrase.combo is None:
                continue
            if not all(_has(message.text, words) for words in phrase.required):
                continue
            for _, start, end in self._matchers[phrase.key](doc):
                span = doc[start:end]
                if not self._exact[phrase.key].fullmatch("".join(t.text for t in span)):
                    continue  # a mix of two alternatives, let through by the token sets
                if phrase.category == NOT_A_CRISIS:
                    reading = reading or (phrase.key, span.start_char, span.end_char)
                    break
                reason = self._why_not(message, span.start_char, span.end_char, phrase)
                if reason:
                    defused = defused or f"{phrase.key}:{reason}"
                    continue
                if phrase.combo is not None:
                    combo_hits.add(phrase.combo)
                else:
                    found[phrase.category] = phrase.key
                break
        if self._carer_combos and self._carer_reports(message.text):
            combo_hits.update((index, 0) for index in self._carer_combos)
        for index, (category, groups) in enumerate(self._combos):
            if category not in found and all((index, g) in combo_hits for g in range(groups)):
                found[category] = f"{category}:zh-combo{index + 1}"
        for category in self.categories:
            if category in found:
                finding = CrisisFinding(category, self.intents[category], found[category])
                return Assessment(finding, None)
        return Assessment(None, defused or self._harmless_reading(message.text, reading))

    def _harmless_reading(
        self, text: str, reading: Optional[Tuple[str, int, int]]
    ) -> Optional[str]:
        """The not-a-crisis reading, unless the rest of the message holds a word of fear,
        pleading, secrecy or an adult ("手機快沒電了 有個男的一直叫我跟他走 好怕")."""
        if reading is None:
            return None
        key, start, end = reading
        rest = text[:start] + " " + text[end:]
        return None if _has(rest, self._unless) else key

    def without_framed_english(self, text: str) -> str:
        """``text`` with each stretch of English blanked that the Chinese before it presents as
        a song, a film, a game line or a lesson ("英文課本有一句 Help me! Someone is following
        me"): the English detector then reads only English that is the writer's own."""
        # Lower case, as the word lists are ("在Roblox聽到有人用語音說 …"): 2026-12-05.
        message = _Text.of(lowered(text))
        framed = [m.span() for m in _ENGLISH_RUN.finditer(text) if self._media(message, *m.span())]
        for start, end in framed:
            text = text[:start] + " " * (end - start) + text[end:]
        return text

    def detect(self, text: str) -> Optional[CrisisFinding]:
        """The most urgent crisis finding in the message, or None."""
        return self.assess(text).finding

    # ------------------------------------------------------------------ non-crisis readings

    def _why_not(self, message: _Text, start: int, end: int, phrase: _Phrase) -> Optional[str]:
        text = message.text
        before, after = text[max(0, start - 8) : start].rstrip(" "), text[end : end + 8].lstrip(" ")
        if any(before.endswith(w) for w in phrase.not_before) or any(
            after.startswith(w) for w in phrase.not_after
        ):
            return "context"
        checks = (
            (
                "quoted",
                lambda: any(
                    # 2026-12-04: or the match opens just before the quote and ends inside it
                    # ("她就要「殺了我們全部」"): its crisis words are the quoted ones.
                    (a <= start or a - start <= 2)
                    and a < end <= b
                    and not self._relayed(message, a, b, end - start)
                    for a, b in message.quoted
                ),
            ),
            # 2026-12-05: the quoted words taken up again after the quote ("有一句「他用刀片割開
            # 了信封」 我女兒一直問為什麼要用刀片").
            ("quoted", lambda: self._echoes_quote(message, start, end)),
            ("media", lambda: self._media(message, start, end)),
            ("topic", lambda: self._topic(message, start, end)),
            ("reassured", lambda: self._reassured(message)),
            ("explained", lambda: self._fright_explained(message.text)),
            ("dismissed", lambda: self._dismissed(message.text)),
            ("hypothetical", lambda: self._hypothetical(message, start, end)),
            (
                SOMEONE_ELSE,
                lambda: (
                    self._someone_else(message, start, end, phrase.category)
                    if phrase.combo is None
                    # 2026-12-05: or someone else's child ("別的小組的孩子說想自殺").
                    else self._said_by_other(message, start)
                    or self._not_in_care_before(message, start)
                    or self._peer_right_before(message, start, phrase.combo)
                ),
            ),
            (
                "accident",
                lambda: (
                    phrase.category != "sextortion"
                    and (
                        self._accident_before(message, start)
                        # "媽媽拿菜刀切菜 我怕她切到手": the kitchen inside a danger match;
                        # "被球打到臉": the ball inside an abuse match.
                        or (
                            phrase.category in ("danger", "abuse")
                            and any(w in message.text[start:end] for w in self._words("accident"))
                        )
                        # 2026-12-07: cut by a thing ("被美工刀劃到").
                        or (
                            phrase.category == "self_harm"
                            and self._cut_by_a_thing(message, start, end)
                        )
                        # 2026-12-04: "美工刀拆箱，我一直怕割": a chore in a self-harm match.
                        or (
                            phrase.category == "self_harm"
                            and any(w in message.text[start:end] for w in self._words("chores"))
                        )
                    )
                    # Looked for only once an accident is in sight: most matches have none.
                    and not self._threatened(message, start, end)
                    and not self._wished(message, start)
                ),
            ),
            ("pet", lambda: self._pets_doing(message, start, phrase)),
            ("pretend", lambda: any(before.endswith(w) for w in self._words("pretend"))),
            # 2026-12-04 (11th): a fear that proved wrong, in the match's clause ("還以為被網友
            # 帶走 結果她在同學家睡著了", "本來以為是有人打他").
            ("mistaken", lambda: self._in_clause_before(message, start, "mistaken")),
            ("negated", lambda: self._negated(message, start, end, phrase)),
            ("asked", lambda: self._asked_and_denied(message, start, end, phrase)),
            ("past", lambda: self._resolved_in_the_past(message, start, end)),
            ("quit", lambda: self._quit(message, start, end)),
            ("hyperbole", lambda: phrase.category == "self_harm" and self._degree(message, start)),
            # 2026-12-06c: any phrase after "X到" with an everyday X ("作業多到會要他的命").
            ("hyperbole", lambda: self._degree(message, start, everyday=True)),
            (
                "trivial",
                lambda: (
                    (phrase.hyperbole_prone or self._holds_prone(message.text[start:end], phrase))
                    and phrase.category in ("self_harm", "danger")
                    and self._trivial(message, start, end)
                ),
            ),
            (
                "trivial_subject",
                lambda: (
                    phrase.category in ("self_harm", "danger")
                    and self._trivial_subject(message, start)
                ),
            ),
            (
                "laughter",
                lambda: (
                    (phrase.hyperbole_prone or phrase.category == "danger")
                    and self._after_has(message, end, "laughter")
                ),
            ),
            (
                # 2026-12-04: laughter after any self-harm phrase beside an everyday cause
                # ("體育課要跑三千 我可以先寫好遺書再去嗎哈哈哈").
                "joke",
                lambda: (
                    phrase.category == "self_harm"
                    and self._after_has(message, end, "laughter")
                    and self._trivial(message, start, end)
                ),
            ),
        )
        return next((reason for reason, check in checks if check()), None)

    def _holds_prone(self, words: str, phrase: _Phrase) -> bool:
        """2026-12-06c: a combination's phrase that holds a hyperbole-prone one ("要去死" holds
        "去死"), so a carer's report of a child's joke over homework reads as the joke does."""
        return phrase.combo is not None and any(
            prone.search(words) for prone in self._prone_by_category.get(phrase.category, ())
        )

    def _words(self, name: str) -> List[str]:
        return self._context[name]

    def _first_person(self, text: str) -> bool:
        return bool(self._first.search(self._others_self(text)))

    def _others_self(self, text: str) -> str:
        """The text with 自己 masked where it points back to a third person ("某網紅說自己小時候…"),
        so it does not name the writer."""
        return self._their_self.sub(lambda m: m.group(1) + "＿＿", text) if "自己" in text else text

    def _threatened(self, message: _Text, start: int, end: int) -> bool:
        """A threat against the writer in the match or just after it ("拿水果刀指著我", "說要砍我"):
        then a kitchen knife or a fruit knife is no accident. 2026-12-06 (19th)."""
        _, sentence_end = message.sentence(end, end)
        near = message.text[start : min(sentence_end, end + _AFTER)]
        return _has(near, self._words("threat"))

    def _cut_by_a_thing(self, message: _Text, start: int, end: int) -> bool:
        """2026-12-07: cut by a thing, passive and resultative, around the match ("是被美工刀劃到",
        "手被草割到"): what happened to the writer, not what they did."""
        return bool(_CUT_BY_A_THING.search(message.text[max(0, start - 3) : end + 3]))

    def _wished(self, message: _Text, start: int) -> bool:
        """2026-12-07: a wish or an urge right before the match ("切菜的時候好想割手", "割草的時候
        突然想割下去"): wanting it is no accident, whatever the chore around it."""
        clause_start, _ = message.clause(start, start)
        before = message.text[clause_start:start]
        return bool(_WISH_BEFORE.search(before)) or message.text.startswith(_WISHES, start)

    def _pets_doing(self, message: _Text, start: int, phrase: _Phrase) -> bool:
        """A pet, not the writer: a wound a pet made ("貓抓的"), unless the excuse is refuted
        ("說是貓抓的 但我們家根本沒有貓"), or, 2026-12-07 (22nd), an animal shut in right before
        a danger match ("我家的貓被關在廁所")."""
        if phrase.category == "danger":
            clause_start, _ = message.clause(start, start)
            return bool(_ANIMAL_BEFORE.search(message.text[clause_start:start]))
        return (
            phrase.category == "self_harm"
            and bool(self._pet.search(message.text))
            and not _has(message.text, self._context.get("no_pet") or ())
        )

    def _accident_before(self, message: _Text, start: int) -> bool:
        """An accident in the clause before the match ("切菜不小心割到手"), but not one of
        noticing: "不小心看到他大腿上好多傷" came upon the wounds by chance. 2026-12-04 (11th)."""
        clause_start, _ = message.clause(start, start)
        before = _BY_CHANCE.sub("", message.text[clause_start:start])
        # 2026-12-06: a tool named by its use ("削鉛筆機拆下來的刀片") is no accident.
        before = _TOOL_USE.sub("", before)
        return _has(before, self._words("accident"))

    def _in_clause_before(self, message: _Text, start: int, name: str) -> bool:
        clause_start, _ = message.clause(start, start)
        return _has(message.text[clause_start:start], self._words(name))

    def _after_has(self, message: _Text, end: int, name: str) -> bool:
        _, sentence_end = message.sentence(end, end)
        return _has(message.text[end : min(sentence_end, end + _AFTER)], self._words(name))

    def _media(self, message: _Text, start: int, end: int) -> bool:
        """A song, film or game named before the match and then what it says or shows."""
        sentence_start, _ = message.sentence(start, end)
        # The same length as the text: a schoolbag or a desk masked, so it is no book.
        works = _NOT_A_WORK.sub("＿", message.text)
        before = works[max(sentence_start, start - _MEDIA_LOOK_BACK) : start]
        # "在Dcard看到一句話 想死的時候…": a line quoted, then what it says (not "一句話都沒說").
        if self._says.search(before):
            return True
        # "那部跳樓的韓劇叫啥", "求家暴題材的漫畫": the work is named right after the match.
        # Not "逼我看色情電影": what is done to the writer is no title.
        if self._named_work.match(message.text, end) and not self._first_person(
            message.text[start:end]
        ):
            return True
        positions = _word_ends(before, self._words("media"))
        if not positions:
            far = works[max(sentence_start, start - _MEDIA_FAR) : start]
            found = _word_ends(far, self._words("media"))
            # Not a parent's: what was done to their child in a game is no scene of it (but the
            # news still reports: "新聞又在報有個國中生被網友勒索…").
            news = _has(far, ("新聞", "報導"))
            if (
                not found
                or self._first_person(far[min(found) :])
                or (_has(message.text, _CHILD_IN_MESSAGE) and not news)
            ):
                return False
            before = far
            positions = found
        between = before[min(positions) :]
        if _has(between, self._words("met_there")):
            return False
        # "玩恐怖遊戲 被關在地下室那關": a level or a scene of it named after the match, or a
        # villain of it in the match ("被拿刀的殺人魔跟蹤").
        _, sentence_end = message.sentence(end, end)
        after = message.text[start : min(sentence_end, end + _AFTER)]
        # 2026-12-06: the writer opens a clause of their own after the work ("我在打原神等抽卡
        # 順便跟你講一下 我最近會用熱水燙手"): only that clause can report the work.
        own = re.split(_CLAUSE_SPLIT, between)[-1]
        if _OWN_NEWS.match(own.lstrip()) and len(own) < len(between):
            between = own
        return _has(between, self._words("reporting")) or _has(
            after, self._context.get("media_after") or ()
        )

    def _echoes_quote(self, message: _Text, start: int, end: int) -> bool:
        """The match's words stand inside an earlier quote that is a saying, not a child's own
        words relayed: the writer talks about the quote."""
        words = message.text[start:end]
        return any(
            b <= start
            and words in message.text[a:b]
            and not self._relayed(message, a, b, end - start)
            for a, b in message.quoted
        )

    def _reassured(self, message: _Text) -> bool:
        """2026-12-05: a carer who tells others not to worry ("各位家長不用擔心", "老師不要誤會"):
        the crisis words are what they were afraid of. Not "不用擔心我", a child's farewell."""
        text = message.text
        if not self._writes_as_carer(text):
            return False
        return any(
            w in text and not text[text.find(w) + len(w) :].lstrip(" ,，").startswith("我")
            for w in self._context.get("reassure") or ()
        )

    def _dismissed(self, text: str) -> bool:
        """2026-12-06: the writer dismisses the threat ("我知道他只是在嘴砲", "他說這是詐騙信"),
        unless they say it is none of that ("不是嘴砲")."""
        # 2026-12-06b: "不是在嘴砲" too.
        return any(
            w in text and not text[max(0, text.find(w) - 3) : text.find(w)].endswith(_NOT_THAT)
            for w in self._context.get("dismissed") or ()
        )

    def _fright_explained(self, text: str) -> bool:
        """2026-12-06: a carer tells of a fright and then how it was explained ("我嚇了一跳 …
        他說是在抄卡通的台詞", "一開始很害怕是他自己割的 後來問清楚是…"): the crisis words are
        what they feared, not what happened."""
        if not self._writes_as_carer(text):
            return False
        frights = [text.find(w) for w in self._context.get("fright") or () if w in text]
        if not frights:
            return False
        after = text[min(frights) :]
        return _has(after, self._context.get("explained") or ())

    def _relayed(self, message: _Text, quote_start: int, quote_end: int, length: int) -> bool:
        """A child's own words quoted by a parent, teacher or carer ("他在聯絡簿寫「我想去找天上的
        爸爸」", "傳訊息說「媽救我」"): the quote is the crisis, not a saying. Not a bare term
        ("「自殺」是什麼意思"), which is no longer than the match."""
        before = message.text[max(0, quote_start - 8) : quote_start]
        # "班導今天說「再不讀書就…」": the carer's own words are a saying like any other.
        return (
            quote_end - quote_start > length + 3
            and before.endswith(self._relay_verbs)
            and not _has(before, self._speakers)
            # 2026-12-06c: nor a line of a script ("劇本有一幕是角色在信裡寫「…」").
            and not _has(before, _SCRIPT)
            # 2026-12-06: or a carer who says so ("我是籃球隊教練 … 他晚上傳給我說「…」").
            and self._writes_as_carer(message.text)
        )

    def _topic(self, message: _Text, start: int, end: int) -> bool:
        """A topic word in the match's clause, or a lesson anywhere in its sentence ("為什麼有些人
        會想自殘 老師要我們寫心得"), and no first person in the clause."""
        clause_start, clause_end = message.clause(start, end)
        clause = message.text[clause_start:clause_end]
        # 2026-12-06: the match is named as a subject right after the words that name one
        # ("我負責的部分是性勒索", "跟家長解釋自傷"), or as what someone else is asked
        # ("問對方是不是想自殺").
        if _NAMED_TOPIC.search(message.text[clause_start:start]):
            return True
        sentence_start, sentence_end = message.sentence(start, end)
        lesson = _has(message.text[sentence_start:sentence_end], self._context.get("lesson") or ())
        # "在網路上查最不痛的自殺方法": looking up a method is the writer's own act.
        searching = _has(clause, self._context.get("searching") or ())
        # "打小孩算家暴嗎", but not "這樣算自殘嗎" from a writer who has told of their own.
        # Not "被爸爸用皮帶打到流血 這樣算家暴嗎": the writer's own case, subject left out.
        counts_as = (
            bool(_COUNTS_AS.search(message.text[clause_start:start]))
            and not self._first_person(message.text[sentence_start:sentence_end])
            and "被" not in message.text[:start]
            and not _THIS_CASE.search(message.text[clause_start:start])
        )
        # 2026-12-04: the match's own 自己 is no writer in a question of whether, asked of
        # anyone ("問卷問最近有沒有想傷害自己").
        own = message.text[start:end]
        if _ASKED.search(message.text[clause_start:start]):
            own = own.replace("自己", "")
        # 2026-12-05: the next clause asks what the term is ("聯絡簿寫網路勒索 是啥").
        term = bool(_TERM_QUESTION.match(message.text[clause_end + 1 : clause_end + 8]))
        return (
            (lesson or counts_as or term or _has(clause, self._words("topic")))
            and not searching
            and not self._first_person(
                message.text[clause_start:start] + own + message.text[end:clause_end]
            )
        )

    def _hypothetical(self, message: _Text, start: int, end: int) -> bool:
        """ "如果有人被家暴…", "如果被摸不舒服…": a condition about anyone, no first person."""
        sentence_start, _ = message.sentence(start, end)
        before = message.text[sentence_start:start]
        at, marker = max((before.rfind(w), w) for w in self._words("hypothetical"))
        if at < 0:
            return False
        condition = message.text[sentence_start + at + len(marker) : end]
        # "如果以後有朋友說…": a time word before the subject.
        for word in self._context.get("hypothetical_times") or ():
            if condition.startswith(word):
                condition = condition[len(word) :].lstrip(" ")
                break
        generic = any(condition.startswith(w) for w in self._words("generic_subjects"))
        # "如果有人跟蹤我 我要打110還是113": the writer only as the object at the end of a
        # one-clause condition is still a question about anyone.
        done_to_me = condition.endswith("我") and not _has(condition, CLAUSE_ENDS)
        condition = condition[:-1] if done_to_me else condition
        # 2026-12-06c: the writer as the one told ("如果學生跟我說了被家暴的事") is no subject.
        for word in self._context.get("told_me") or ():
            condition = condition.replace(word, "＿" * len(word))
        return generic and not self._first_person(condition)

    def _someone_else(self, message: _Text, start: int, end: int, category: str) -> bool:
        """The person it happens to is someone else: the nearest person named before a
        self-harm match, or before the 被/遭 of a victim's form ("有人被家暴"), is a third
        person and the match does not name the writer ("他性騷擾我"). Elsewhere the third
        person is the one threatening ("他一直踹門"), unless the match is followed by the person it
        was done to ("那個老師性騷擾學生"). A parent's own child counts as the
        writer."""
        text = message.text
        if self._done_to_third(message, start, end):
            return True
        # The writer named right after the match, in its clause ("他性騷擾我"), not in the next
        # one ("同學一直說想死 我好擔心"). 2026-12-04: not the 自己 of the match, which points back
        # to its subject ("朋友一直用美工刀割自己"), nor a writer after a conjunction, who starts
        # the next thought ("他說他想要死掉那我要怎麼辦").
        _, clause_end = message.clause(end, end)
        after = text[end : min(end + 2, clause_end)]
        after = "" if after.lstrip().startswith(_CONJUNCTIONS) else after
        # 2026-12-06: the writer asked to keep it quiet ("她被網友威脅 … 她叫我不要跟大人說") is
        # not the one it happens to.
        told = _KEEP_QUIET.sub(lambda m: "＿" * len(m.group()), text[start:end] + after)
        peer = self._peer_subject(message, start)
        if self._first_person(self._own_other(told.replace("自己", "＿＿") if peer else told)):
            return False
        # "我同學被家暴": the match opens on someone the writer only owns (not their child).
        owned = self._own_other(text[start:end])
        if owned.startswith("＿"):
            whom = owned.lstrip("＿")
            return not any(whom.startswith(w) for w in self._words("child_words"))
        subject_end = start
        if category == "self_harm" and self._describes_peer(message, start, end):
            return True  # "怎麼幫想自殺的朋友": the match describes someone else
        if category != "self_harm":
            # "有人把我朋友的照片P成色情圖": the owner may come before the match, in its clause.
            clause_start, _ = message.clause(start, start)
            pictures = text[clause_start:end]
            owner = [w for w in self._words("third_party") if f"{w}的" in pictures]
            owner = [] if "我的" in pictures else owner
            own_child = self._reports_own_child(text)
            if (
                category == "sextortion"
                and owner
                and not (own_child and set(owner) <= set(self._words("child_words")))
            ):
                return True  # "有人po別人的私密照": someone else's pictures
            done_to = not text[start:end].endswith(("給", "跟", "和", "對"))  # not "拍…給他"
            # 2026-12-04: or described by it ("那個被打的孩子").
            victim = next(
                (
                    w
                    for w in self._words("third_party")
                    if text.startswith(w, end) or text.startswith("的" + w, end)
                ),
                None,
            )
            if done_to and victim and not (own_child and victim in self._words("child_words")):
                return True  # "那個老師性騷擾學生": it was done to someone else
            subject_end = max(
                text.rfind(w, max(0, start - _PASSIVE_LOOK_BACK), start + 1) for w in _PASSIVE
            )
            if subject_end < 0:
                return False
        sentence_start, _ = message.sentence(start, end)
        if category == "self_harm" and self._peer_speaks_of_self(message, sentence_start, start):
            return True
        before = text[max(sentence_start, subject_end - _LOOK_BACK) : subject_end]
        # "學生跟我說被家暴": the writer as the one told is not the one it happens to.
        for word in self._context.get("told_me") or ():
            before = before.replace(word, "＿" * len(word))
        if category == "self_harm" and _SPEECH_BEFORE.search(before):
            # "有陌生人在我的貼文下面留言說想死": the writer only owns where it was said.
            before = before.replace("我的", "＿＿")
        before = self._others_self(_WITH_OTHER.sub(lambda m: "＿" * len(m.group()), before))
        if category == "self_harm":
            before = _PASSIVE_AGENT.sub(lambda m: "＿" * len(m.group()), before)
        # "有人拿刀 我們全班被關在教室裡": 我們 holds the writer when it is the victim.
        writer = max(
            (
                match.end()
                for match in itertools.chain(self._first.finditer(before), _WE.finditer(before))
            ),
            default=-1,
        )
        other = max(
            ((before.rfind(word) + len(word), word) for word in self._words("third_party")
             if word in before),
            default=None,
        )  # fmt: skip
        if other is None or writer >= other[0]:
            return False
        # Not someone else's child ("別人家的小孩", "另一個學校的學生", "別班的學生"), even in a
        # carer's message (2026-12-05: before the own-child check).
        whose = before[: other[0] - len(other[1])]
        if _NOT_IN_CARE.search(whose):
            return True
        own_child = self._reports_own_child(text)
        if own_child and other[1] in self._words("child_words"):
            return False
        # 2026-12-04: a carer who says so writes about the children in their care ("我是安親班
        # 老師 有個小男生一直說自己不如去死").
        return not (
            _CARER_SAYS.search(text)
            and other[1] in _CHILDREN_IN_CARE
            and not _NOT_IN_CARE.search(whose)
        )

    def _peer_right_before(self, message: _Text, start: int, combo: Tuple[int, int]) -> bool:
        """2026-12-06: in a parent's or a carer's report, a peer named right before the crisis
        words ("兒子同班同學自殺了"): the child's classmate, not the child, is the one it happens
        to. Not an online friend, who is as often the one doing it."""
        index, group = combo
        if index not in self._carer_combos or group == 0:
            return False
        clause_start, _ = message.clause(start, start)
        before = message.text[clause_start:start].rstrip("也又都說講 ")
        return before.endswith(tuple(w for w in self._words("peers") if w != "網友"))

    def _not_in_care_before(self, message: _Text, start: int) -> bool:
        clause_start, _ = message.clause(start, start)
        return bool(_NOT_IN_CARE.search(message.text[clause_start:start]))

    def _done_to_third(self, message: _Text, start: int, end: int) -> bool:
        """2026-12-05: in a child's message, a match done to 他/她 ("一直要她傳私密照", "要他買
        點數卡", "把他打到住院") or by someone else's family ("他爸爸會拿棍子打人") is another
        child's story. Not in a carer's message, whose 她 is the child in their care."""
        text = message.text
        match = text[start:end]
        if (
            _EXPLICIT_WRITER.search(match)
            or self._writes_as_carer(text)
            or _has(text, _CHILD_IN_MESSAGE)
        ):
            return False
        if _THIRD_OBJECT.search(match):
            return True
        clause_start, _ = message.clause(start, start)
        return bool(_THEIR_FAMILY.search(text[clause_start:end]))

    def _peer_subject(self, message: _Text, start: int) -> bool:
        """The child's peer (a friend, classmate, girlfriend) is the person named last before
        the match in its sentence, so the 自己 of "朋友一直用美工刀割自己" is the peer's. Not in a
        carer's report, where the child in their care is the one it happens to."""
        text = message.text
        if self._writes_as_carer(text):
            return False
        sentence_start, _ = message.sentence(start, start)
        before = _WITH_OTHER.sub(
            lambda m: "＿" * len(m.group()), self._own_other(text[sentence_start:start])
        )
        peer = max(before.rfind(w) for w in self._words("peers"))
        if peer < 0:
            return False
        # Someone after the peer is the subject now: the writer or a child in their care (not
        # 他/她, who may be the peer again).
        others = [before.rfind(w) for w in self._words("child_words") if len(w) > 1]
        writer = [m.start() for m in _EXPLICIT_WRITER.finditer(before)]
        return max(others + writer, default=-1) < peer

    def _peer_speaks_of_self(self, message: _Text, sentence_start: int, start: int) -> bool:
        """A peer says 自己 of themself, and the later clauses leave the speaker unsaid:
        "我閨蜜最近都不吃飯 一直說自己很沒用活著幹嘛", "好朋友都在說自己很廢 還說想跳下去".
        Not when the writer is named after the peer, or the peer is the one spoken to
        ("跟朋友說自己想死")."""
        before = message.text[sentence_start:start]
        said = max(before.rfind("說自己"), before.rfind("講自己"))
        if said < 0:
            # 2026-12-07: or a clause that opens on the saying and names no one, so its speaker
            # is the one the sentence is about ("我朋友最近常在IG發很黑暗的東西 說想割手").
            clause_start, _ = message.clause(start, start)
            if not _SPEECH_OPENS.match(message.text[clause_start:start]):
                return False
            said = clause_start - sentence_start
        if not self._peer_subject(message, sentence_start + said):
            return False
        return not _EXPLICIT_WRITER.search(self._own_other(before[said:]))

    def _describes_peer(self, message: _Text, start: int, end: int) -> bool:
        """The match qualifies a peer named right after it ("想死的朋友", "想自殺的同學"),
        unless the writer says that is who they are ("我是一個想死的學生")."""
        text = message.text
        if not text.startswith("的", end) or self._writes_as_carer(text):
            return False
        if not any(text.startswith(w, end + 1) for w in self._words("peers")):
            return False
        clause_start, _ = message.clause(start, start)
        return not _IDENTIFY.search(text[clause_start:start])

    def _said_by_other(self, message: _Text, start: int) -> bool:
        """In a combination (a parent's report), the crisis words said by someone else right
        before them: "我兒子說他們班有個同學常常說想死", not "我女兒常常說想死"."""
        clause_start, _ = message.clause(start, start)
        before = message.text[clause_start:start]
        said = self._said.search(before)
        if not said or said.group(1) in self._words("child_words"):
            return False
        # "跟我最好的朋友說再見了": the one spoken to, not the speaker.
        return not _has(before[: said.start()], ("跟", "對", "和", "向"))

    def _reports_own_child(self, text: str) -> bool:
        """A parent, a carer or a teacher writes of a child of their own or in their care, by a
        word for it anywhere or by opening on the bare child ("女兒被人拿私密照威脅")."""
        # 2026-12-05: "大家有推薦的嗎" holds no "家有" (a household with a child).
        text = text.replace("大家", "＿＿")
        return (
            _has(text, self._carers)
            or bool(_OWN_CHILD_OPENING.match(text))
            or bool(_GRANDCHILD.search(text))
        )

    def _carer_says(self, text: str) -> bool:
        """2026-12-06: the writer says they care for the child ("我是游泳教練", "我女兒", "孫女…"),
        and names no child outside their care ("別班的學生", "另一個保母"): a child's word for a
        carer ("我們班導", "告訴輔導老師") is not enough."""
        text = text.replace("大家", "＿＿")
        says = (
            bool(_CARER_SAYS.search(text))
            or _has(text, self._words("own_child"))
            or bool(_OWN_CHILD_OPENING.match(text))
            or bool(_GRANDCHILD.search(text))
        )
        return says and not _has(text, _OUTSIDE_CARE)

    def _carer_reports(self, text: str) -> bool:
        """A carer who says so reports a child in their care, and the message is no lesson, no
        news, no procedure and no fear of whether ("是不是在班上被打", "以為作者想自殺")."""
        return self._carer_says(text) and not _has(
            text, tuple(self._context.get("lesson") or ()) + _CARER_NOT_A_REPORT
        )

    def _writes_as_carer(self, text: str) -> bool:
        """A carer's message, by a word for the child or by the writer saying so ("我是保母"):
        the peer rules leave it alone."""
        return self._reports_own_child(text) or bool(_CARER_SAYS.search(text))

    def _own_other(self, text: str) -> str:
        """The text with "我" taken out where it only owns someone else ("我同學被家暴",
        "我的好友在自殘"): that person, not the writer, is named. 2026-12-02d."""
        for word in self._words("third_party"):
            text = text.replace(f"我的{word}", "＿＿" + word).replace(f"我{word}", "＿" + word)
        return text

    def _negated(self, message: _Text, start: int, end: int, phrase: _Phrase) -> bool:
        text = message.text
        # Only the match's last clause: "不想回家了 想直接走進去" negates the going home.
        inside = _QUESTION.sub("", re.split(_CLAUSE_SPLIT, text[start:end])[-1])
        for word in self._not_negations:
            inside = inside.replace(word, "")
        if not phrase.self_negating and _has(inside, _NEGATION_CHARS):
            return True  # a negation inside a gap: "想說不會自殺", but not "…不然要寄給…"
        clause_start, _ = message.clause(start, start)
        window = text[max(clause_start, start - _NEGATION_LOOK_BACK) : start]
        for negator in self._negators:
            at = window.rfind(negator)
            if at > 0 and window[at - 1] == window[at + 1 : at + 2]:
                continue  # a question, not a negation: "有沒有什麼方法…", "是不是"
            if at > 0 and "趁" in window[:at]:
                continue  # a circumstance, not a negation: "趁家裡沒人對我…"
            if at >= 0 and _ABSENT_THEN.match(window, at):
                continue  # 2026-12-06: an absence, then what follows ("我爸不在就會把我鎖…")
            rest = window[at + len(negator) :]
            # 2026-12-06: the first of two things denied together ("沒有想要自殺或傷害自己").
            rest = _DENIED_WITH.sub("", rest)
            # 2026-12-05: or a passive agent between ("我沒有被網友勒索", "沒被爸爸打").
            # Not after 不: "不想被爸媽發現" hides, it does not deny.
            if at >= 0 and negator[0] in "沒未從並":
                rest = re.sub(r"被[^ ，,。]{1,3}$", "", rest)
            if at >= 0 and set(rest) <= self._fillers:
                return True
        _, sentence_end = message.sentence(end, end)
        after = text[end : min(sentence_end, end + _AFTER)]
        if _has(after, self._words("denials_after")) and not _has(
            after, self._words("not_denials")
        ):
            return True
        # 2026-12-06c: a plain denial may close a long sentence ("我說想消失只是想放假去…，不是
        # 那個意思啦", "…但我真的不會去做啦，只是口頭禪").
        far = text[end : min(sentence_end, end + _DENIAL_FAR)]
        return _has(far, self._context.get("denials_far") or ()) and not _has(
            far, self._words("not_denials")
        )

    def _asked_and_denied(self, message: _Text, start: int, end: int, phrase: _Phrase) -> bool:
        """ "視窗問我是不是想傷害自己 … 我沒有要傷害自己": the match is a question put to the
        writer (是不是, 有沒有, 會不會 before it), and the writer denies the same phrase elsewhere
        in the message. 2026-12-04. Since 2026-12-04 (11th), any phrase of the same category
        ("同學一直說我是不是自殘 … 我沒有割自己")."""
        clause_start, _ = message.clause(start, start)
        before = message.text[clause_start:start]
        if not (_ASKED.search(before) or _SAID_IT.search(before)):
            return False
        # 2026-12-05: or a later clause that only denies ("…問我是不是想自殺 … 我真的沒有").
        later = re.split(_CLAUSE_SPLIT, message.text[end:])[1:]
        if any(_BARE_DENIAL.match(clause.strip()) for clause in later if clause.strip()):
            return True
        return any(
            other.span() != (start, end) and self._negated(message, *other.span(), kin)
            for kin in self._phrases
            if kin.category == phrase.category and kin.combo is None
            for other in self._exact[kin.key].finditer(message.text)
        )

    def _resolved_in_the_past(self, message: _Text, start: int, end: int) -> bool:
        """ "以前會割手 已經戒掉兩年了": a past marker before, a resolution after, and nothing
        saying it is happening again."""
        text = message.text
        sentence_start, _ = message.sentence(start, end)
        # In the match too ("我媽以前會打我" is matched from 媽), or right after it
        # ("被打的那段日子", "被勒索過 …").
        # 2026-12-06c: a space is no boundary here ("被家暴的事 已經處理了").
        after_match = text[end : end + 9].replace(" ", "")
        markers = [text.rfind(w, sentence_start, end) for w in self._words("past")]
        marker = max(markers, default=-1)
        if marker < 0 and not (
            any(after_match.startswith(w) for w in self._context.get("past_after") or ())
            or (after_match.startswith("過") and not after_match.startswith(_NOT_EXPERIENCE))
            or _PAST_THING.match(text, end)
        ):
            return False
        # The present frame before the story ("今天翻到國一的日記 那時候很想死") is not the
        # story; nor is 一直 in the clause the past marker opens ("之前有網友一直叫我…").
        story_start = marker if marker >= 0 else sentence_start
        story, told = text[story_start : end + _RESOLUTION_AFTER], text[sentence_start:end]
        if marker >= 0:
            _, marker_clause_end = message.clause(marker, marker)
            told = told[: marker - sentence_start] + text[min(marker_clause_end, end) : end]
        for word in self._context.get("not_current") or ():
            # "現在還會跟我道歉" is the resolution, "之前一直被跟蹤" the past.
            story, told = story.replace(word, ""), told.replace(word, "")
        # Before the marker, a day only frames the telling ("今天翻到…"); 又 there still counts.
        frame = text[sentence_start:story_start]
        for word in self._context.get("telling_days") or ():
            frame = frame.replace(word, "")
        # 2026-12-05: a post that shares an experience ("想分享一下我國三時候的事", "分享我的
        # 經驗") tells of the past once the match has a past marker; its frame ("最近看到…")
        # is why it is told.
        if (
            marker >= 0
            and _has(text, self._context.get("sharing") or ())
            and not _has(story, self._words("current"))
        ):
            return True
        # 2026-12-06c: after a resolution ("後來安置在寄養家庭 最近…開朗很多") only a relapse
        # makes it current again.
        settled = [
            at
            for at in (story.find(w, end - story_start) for w in self._words("resolved"))
            if at >= 0
        ]
        if settled:
            story, relapse = story[: min(settled)], story[min(settled) :]
            if _has(_STILL_FINE.sub("＿", relapse), self._context.get("relapse") or ()):
                return False
        if _has(story + " " + frame, self._words("current")):
            return False  # "一直" after the match is the help: "後來輔導老師一直陪我"
        after = text[end : end + _RESOLUTION_FAR]
        nows = [after.find(w) for w in self._context.get("now") or ("現在",) if w in after]
        # 16: "現在想起來還是很怕，但我已經沒事了" (2026-12-06).
        resolved_now = any(
            _has(_NOT_WELL.sub("＿", after[now : now + 16]), self._words("resolved_now"))
            for now in nows
        )
        # 2026-12-05: the writer says where they are now ("現在高二了", "現在也一年了").
        resolved_now = resolved_now or any(
            _NOW_SINCE.match(after, now + len(w))
            for w in self._context.get("now") or ("現在",)
            for now in [after.find(w)]
            if now >= 0
        )
        # 2026-12-04: "一直" in the story ("去年…他從學校一直跟到我家巷口") is the past too
        # when the writer says how things are now ("現在已經一年都沒事").
        if _has(told, self._words("current_before")):
            return resolved_now
        return _has(after, self._words("resolved")) or resolved_now

    def _quit(self, message: _Text, start: int, end: int) -> bool:
        """ "我戒掉自傷快一年了": a quitting word right before the match, and nothing saying it
        is back."""
        text = message.text
        clause_start, _ = message.clause(start, start)
        before = text[clause_start:start].rstrip(" ")
        if not any(before.endswith(w) for w in self._words("quit")):
            return False
        return not _has(text[start : end + _RESOLUTION_AFTER], self._words("current"))

    def _trivial(self, message: _Text, start: int, end: int) -> bool:
        """ "想死喔這題好難", "期末考週 誰來救救我": a hyperbole-prone phrase with an everyday
        cause in the message, no pain anywhere in it and no other crisis word beside the phrase
        (its own 消失 does not count: "限動打錯字 乾脆讓我消失")."""
        text = message.text
        sincere = [found.end() for found in _SINCERELY.finditer(text, 0, start)]
        rest = text[sincere[-1] if sincere else 0 : start] + " " + text[end:]
        # "打錯字", "打球": 打 that hits no one is no violence.
        plain = rest
        for word in self._context.get("not_hitting") or ():
            plain = plain.replace(word, "")
        # 2026-12-06c: a clause with an everyday intensifier ("我真的會被她氣死") is the joke's
        # own, not a sign that it is meant.
        plain = " ".join(
            clause
            for clause in re.split(_CLAUSE_SPLIT, plain)
            if not any(self._exact[key].search(clause) for key in self._everyday)
        )
        return (
            _has(rest, self._words("trivial"))
            and not _has(text, self._words("pain"))
            and not _has(plain, self._words("not_trivial"))
        )

    def _trivial_subject(self, message: _Text, start: int) -> bool:
        """ "考試要殺了我", "數學會害死我": an everyday thing, not a person, is the subject."""
        clause_start, _ = message.clause(start, start)
        subject = message.text[clause_start:start].rstrip(_SUBJECT_FILLERS + " ")
        return any(subject.endswith(w) for w in self._words("trivial"))

    def _degree(self, message: _Text, start: int, everyday: bool = False) -> bool:
        """ "難到想死", "作業多到想死": X到 before the match, X no pain (with ``everyday``, X
        an everyday cause such as homework)."""
        text = message.text
        clause_start, _ = message.clause(start, start)
        degree = _DEGREE.search(text[clause_start:start])
        if not degree:
            return False
        cause_end = clause_start + degree.start()
        sentence_start, _ = message.sentence(start, start)
        cause = text[max(sentence_start, cause_end - 6) : cause_end]
        return not _has(cause, self._words("pain")) and (
            not everyday or _has(cause, self._words("trivial"))
        )
