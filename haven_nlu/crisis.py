"""The crisis safety net: rule matching that recognises a child in crisis in words the classifier
may never have seen.

Statistical classifiers miss rare phrasings ("kms", "i won't be here tomorrow", a disclosure in
the middle of a long message about a game). This detector runs after the classifier and overrides
it when a crisis pattern matches. It is deliberately plain: normalise slang and typos, lemmatise
with spaCy, match token patterns (``crisis_patterns.yml``), then discard matches that are negated
("i'm not suicidal"), quoted ("the song says 'i wanna die'") or reported from a film or a book.

A message with Chinese in it (see :func:`haven_nlu.language.detect_language`) is also read by the
Traditional Chinese detector (:mod:`haven_nlu.crisis_zh`), and the more urgent of the two
findings is kept: a mixed message ("他說要po我的nudes", "我想 end it all") needs both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Tuple

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from haven_nlu.language import CHINESE, detect_language

if TYPE_CHECKING:
    from haven_nlu.crisis_zh import ChineseCrisisDetector

PATTERNS_FILE = Path(__file__).with_name("crisis_patterns.yml")
PIPELINE_DIR = Path(__file__).resolve().parent.parent / "var" / "spacy" / "en_haven"

_NEGATIONS = {"not", "never", "no", "n't", "nobody", "nothing"}
# "i don't know if i want to die", "i don't care if i die" and "he won't stop touching me" are
# not denials.
_NOT_A_DENIAL = {"know", "think", "care", "sure", "even", "matter", "mind", "understand", "stop",
                 # 2026-12-05: "can't sit down from the beating", "i can't sleep, he ...".
                 "sit", "sleep", "walk", "breathe"}  # fmt: skip
_NEGATION_WINDOW = 3
# "she thinks i'm joking but i'm not": the "not" after a joke denies the joke.
_JOKE_WORDS = {"joke", "joking", "kid", "kidding", "lie", "lying"}
# "people think i can't hurt myself but i do": a denial that the child contradicts.
_BUT_I_DO = re.compile(r"^\W*but i (?:do|did|have|will|am|still)\b")
# 2026-12-06: what others believe of the child, and the child's flat denial as a sentence.
_BELIEVED_OF_ME = re.compile(
    r"\b(?:think|thinks|thought|assume|assumes|assumed|reckon|reckons|convinced|accused me of)"
    r"(?: that)?(?: i)?\s*$"
)
_FLAT_DENIAL = re.compile(r"[.!?]\s*i (?:am|'m) not(?: actually| really)?\s*(?:[.!,]|$)")
# A sentence that opens a denial: "it's not like anyone is blackmailing me".
_DENIAL_OPENERS = (("not", "like"), ("not", "that"))
# ...but "not that it matters, i won't be here" shrugs, it does not deny.
_SHRUG = re.compile(r"\bnot that (?:it|any of (?:it|this)|anything) (?:\w+ )?matters\b")
# Past and resolved: "i used to self harm but i've been clean for a year".
_PAST_MARKERS = {"ago", "use", "last", "once", "before", "young", "younger", "little", "back",
                 "grade", "old", "struggle", "had", "was", "were", "used", "phase",
                 "through",
                 # 2026-12-06: "her previous carer", "my former coach".
                 "previous", "former"}  # fmt: skip
# Lemmas: "helped" is matched as "help".
_RESOLVED_MARKERS = {"clean", "well", "good", "fine", "ok", "okay", "deal", "stop", "happy",
                     "over", "recover", "proud", "safe", "sort", "handle", "mentor", "thank",
                     "therapy", "report", "excited", "excite", "better", "glad", "grateful",
                     "volunteer", "healthy", "heal", "recovery", "prison", "jail", "fade",
                     "faded", "brilliantly", "thrive", "thriving", "great", "amazing",
                     "awesome",
                     # 2026-12-05: the lookup lemmatizer reads "amazing" as "amaze".
                     "amaze", "confident", "custody",
                     # 2026-12-06: "it was investigated and he's been deregistered, she's
                     # settled with us".
                     "investigate", "investigated", "deregister", "deregistered", "settle",
                     "settled",
                     # 2026-12-06: Irish "i'm grand now".
                     "grand"}  # fmt: skip
# Resolutions only in this form: "deleted", not "told me to delete".
_RESOLVED_FORMS = {"deleted", "banned", "arrested", "removed", "suspended", "expelled"}
# After a plain past ("when i was 10", "2 years ago"), telling someone or getting away is enough.
_STRONG_PAST = re.compile(
    r"\bwhen i was (?:\d+|little|young|younger|small|a kid|a child|in (?:year|grade))\b"
    r"|\b(?:\d+|to|two|three|four|five|a few|a couple of|many|some) years ago\b"
    r"|(?<!am )\bin (?:year|grade) \d+\b"
    r"|\bin (?:19|20)\d\d\b|\bthere (?:was|were) (?:a time|times|a point|a period)\b"
    # 2026-12-04: "i was really low back then", "in first year a man followed me".
    r"|\bback then\b|(?<!am )\bin (?:first|second|third) year\b"
    # 2026-12-05: "back when i was being blackmailed".
    r"|\bback when\b"
    # 2026-12-06: a country left behind: "back in my home country my uncle hit me".
    r"|\bback (?:in|home in) (?:my|our) (?:home |old )?(?:country|village|town|city)\b"
    # 2026-12-06: a school stage or a phase told as past: "back in primary", "he went through a
    # patch of hitting himself".
    r"|\bback in (?:primary|nursery|reception|infants|juniors|year \d+|middle school)\b"
    r"|\bwent through (?:a|an) (?:\w+ )?(?:patch|phase|period|stage|spell) of\b"
)
_OTHERS = {"other", "others"}  # "now i want to help others"
# Words between "my" and what it qualifies: "from my new kitten", "my little brother's".
_ATTRIBUTIVE = {"new", "old", "little", "baby", "own", "naughty", "silly", "stupid", "tiny"}
_TOLD_OR_AWAY = {"told", "tell", "ran", "run", "escape", "escaped", "careful"}
# "nothing happened", "haven't heard from him since", "i haven't in months": it stopped.
_IT_STOPPED = re.compile(
    r"\bnothing (?:\w+ )?(?:happened|got shared|got posted|came of it)\b"
    r"|\b(?:have|has) not (?:heard|seen) (?:from|him|her|them)\b"
    r"|\b(?:have|has) not(?: \w+){0,3} (?:in|for) (?:\w+ )?"
    r"(?:months|years|weeks|ages|a while|a year)\b"
    r"|\bscars? (?:are|is) (?:\w+ )?(?:white|faded|silver|healed)\b"
    r"|\b(?:gave|given) up\b|\bleft me alone\b"
    # "i used to think that, but now i know", "now i'm 16 and want to be a nurse".
    r"|\bbut now i (?:know|realise|realize|see|understand)\b"
    r"|\b(?:now i am (?:\d+|older)|i am (?:\d+|older) now)\b"
    r"(?!.*\b(?:again|still|anymore|relapse\w*)\b)"
    r"|\b(?:worked|got|gotten|moved) (?:through|past|on from) (?:it|that|this|all that)\b"
    r"|\b(?:\d+|two|three|four|five|six|a few|many) years (?:later|on)\b"
    # "now it's been like a year without them".
    r"|\b(?:been|gone) (?:like |about |almost |over |nearly )?(?:a|an|one|\d+|two|three|four|five"
    r"|six) (?:whole )?(?:year|month|week)s? (?:without|since|free|clean)\b"
    # "it's long behind me", "i put it behind me", "i don't feel that way anymore".
    r"|\b(?:it|its|it's|that|all that|this)(?: is| was)?(?: \w+)? behind me\b"
    r"|\bput (?:it|that|this|all that|everything) behind me\b"
    r"|\b(?:do|does) not (?:feel|think) (?:like )?(?:that|this)(?: way)? any ?more\b"
    r"|\bno longer (?:feel|think) (?:like )?(?:that|this)\b"
    # "..., not anymore", "the police caught him", "they dealt with it", "he's gone".
    r"|(?:^|[,;.]\s*|\bbut )not any ?more\b"
    r"|\b(?:police|cops)(?: \w+){0,2} (?:caught|arrested) (?:him|her|them)\b"
    # 2026-12-04: "he was charged", "he's not in our lives at all".
    r"|\b(?:was|were|got|been) (?:charged|convicted)\b|\bnot in (?:my|our) li(?:fe|ves) at all\b"
    r"|\bdealt with (?:it|that|him|her|them)\b|\brestraining order\b|\banger management\b"
    r"|\b(?:he|she|they) (?:is|are|has|have) (?:gone|moved out|left)\b(?! to| for| out| me)"
    r"|\b(?:everything|things|it)(?:'s| has| have| is)? been (?:\w+ )?(?:fine|ok|okay|good|great"
    r"|quiet|better) (?:ever )?since\b"
    r"|\bwe(?:'re| are| re)? (?:actually |all )?(?:mates|friends|close|fine) now\b"
    # 2026-12-05: "now it's just a weird memory", "he has no contact", "the courts gave us
    # custody", "he got done for it", "it never came out", "now i want to be a nurse".
    r"|\bjust a (?:\w+ )?memory\b|\b(?:has|have|had) no contact\b|\bcustody\b"
    r"|\bgot done for (?:it|that)\b|\bnever (?:came|got) out\b"
    r"|\bnow (?:i|we) (?:want|wanna|hope|plan) to (?:be|become|study|train)\b"
    # 2026-12-06: "now that i'm fostering", "he's not allowed to see us anymore", "nobody hits
    # me now".
    r"|\bnow that i(?:'m| am) (?:a |an )?(?:\w+ )?(?:adult|grown|parent|mum|mom|dad|carer"
    r"|fostering|teacher|older)\b"
    r"|\bnot allowed (?:to see|to contact|near|to come near)\b"
    r"|\b(?:nobody|no one) (?:hits|hurts|touches|beats) (?:me|us)\b"
    # 2026-12-06: "now he jokes about it", "that's stopped completely", "police handled it".
    r"|\bnow (?:he|she|they|we|i) (?:jokes?|laughs?) about it\b"
    r"|\b(?:it|that|this)(?:'s| has| is)? (?:all )?stopped (?:completely|entirely|now)\b"
    r"|\b(?:police|cops|school|teachers?|parents)(?: \w+){0,2} (?:handled|sorted)"
    r" (?:it|him|her|them)\b"
)
# 2026-12-04: someone who is an ex now and long gone: "ex-stepdad hit me, long gone now".
_EX_GONE = re.compile(r"\blong gone\b")
# A later sentence dating the whole story: "that was six years ago", "this was in 2019".
_DATED_STORY = re.compile(
    r"^\W*(?:that|this|it|all that|all this)(?: all)? (?:was|happened)"
    r"(?: like| about| over| almost)? "
    r"(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|a few|many|some) years ago"
    r"|in (?:19|20)\d\d)\b"
)
_KEEPS_GOING = re.compile(r"\b(?:still|again|but|anymore|any more)\b")
# "still here", "still alive": surviving, not doing it still.
_SURVIVING = ("here", "alive", "standing")
# Keeps it current after a sign it stopped.
_STILL = re.compile(rf"\b(?:still|again)\b(?! (?:{'|'.join(_SURVIVING)})\b)")
# A habit replaced by another: "... but now i talk to my dad about it instead".
_REPLACED = re.compile(
    r"\bbut now (?:i|we)\b(?:(?!\b(?:still|again|want|wanna|cut|burn|hurt|harm)\b).){0,60}"
    r"\binstead\b"
)
# Healed wounds, not fresh ones: "tips for covering old scars".
_OLD_WOUNDS = re.compile(r"\b(?:old|faded|healed) (?:scars?|marks?|cuts?)\b")
_FRESH = {"new", "fresh", "recent", "again", "still", "bleed", "bleeding"}
# A clean streak before the match: "2 years clean from sh today", "6 months free of it".
_CLEAN_STREAK = re.compile(
    r"\b(?:\d+|a|an|one|to|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:whole\s+)?"
    r"(?:year|month|week|day)s?\s+(?:(?:sh|self|harm|cutting|self-harm)\s+){0,2}(?:clean|free|sober)\b"
    # A streak opening the sentence: "200 days without hurting myself" (not "can't go a day
    # without").
    r"|^(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:whole\s+)?"
    r"(?:year|month|week|day)s?\s+without\b"
    # 2026-12-06: a streak told by its start: "been clean from sh since march".
    r"|\bbeen (?:\w+ )?(?:clean|free) (?:from|of) (?:self harm|cutting|it)(?: \w+)? since\b"
)
# The person who did it was caught: "the guy who blackmailed me got arrested".
_CAUGHT = re.compile(
    r"\b(?:got|been|was|were|is|are|now|just) (?:\w+ )?(?:arrested|jailed|convicted|sentenced"
    r"|in prison|in jail|prosecuted"
    # 2026-12-06: a pupil sent away from school: "the boy who pressured me got excluded".
    r"|excluded|expelled)\b"
    r"|\b(?:got|been|was|were) caught\b(?! up)"  # 2026-12-04: "the man who followed me got caught"
)
_RECENTLY = re.compile(r"\b(?:hours?|minutes?|mins?|seconds?|an hour) ago\b")
# The person caught, told before what they did: "the police arrested the man who followed me".
_CAUGHT_FIRST = re.compile(
    r"\b(?:police|cops|they|school)(?: \w+){0,2} (?:caught|arrested|charged|expelled|banned)\b"
)
# A school stage the child has left, told only with a sign it stopped: "i burned myself in high
# school. i'm at uni now and haven't in ages" (not "i am in high school").
_SCHOOL_PAST = re.compile(
    r"(?<!am )(?<!are )\bin (?:high|middle|primary|secondary|elementary|junior) school\b"
)
# Before a resolution word, what makes it none: "not ok", "please help", "he says it's fine".
_NOT_RESOLVING = {"not", "n't", "never", "please", "pls", "need", "say", "tell"}
# "an older guy" is no past ("when i was older" is not said).
_NOT_PAST = {"older", "oldest"}
# Laughter after a danger statement marks a game or a joke ("i'm trapped behind the couch lol").
# Only for danger: a child may well write "i want to die lol" and mean it.
_LAUGHTER = {"lol", "lmao", "lmfao", "haha", "hahaha", "jk", "😂", "🤣", "xd"}
_LAUGHTER_SENSITIVE = {"danger"}
_MEDIA_WORDS = {
    "song", "lyric", "lyrics", "movie", "film", "book", "show", "episode", "character", "story",
    "novel", "poem", "anime", "manga", "series", "documentary", "meme", "video", "game", "tv",
    "rapper", "singer", "play", "article", "news", "podcast", "kdrama", "cartoon", "comic",
    "webtoon", "sitcom",
    # 2026-12-04: print, scripture and scripts: "the parish newsletter mentioned", "the psalms".
    "newspaper", "newsletter", "magazine", "headline", "headlines", "psalm", "psalms", "hymn",
    "scripture", "bible", "mystery", "script", "skit", "rehearsal",
    # 2026-12-06: Korean and Chinese web comics, fan fiction.
    "manhwa", "manhua", "fanfic", "fanfiction",
}  # fmt: skip
# Made-up people: "the game has a character who gets hit by his dad".
_FICTIONAL = {"character", "characters", "protagonist", "villain", "npc", "npcs", "oc", "ocs",
              "hero", "heroes"}  # fmt: skip
# A story opening the sentence, whose plot a crisis may be: "in the series the girl gets
# blackmailed", "the horror game has a guy with a knife chasing you".
_FICTION = {"game", "games", "movie", "film", "show", "series", "book", "novel", "episode",
            # 2026-12-06: "why do horror films have someone trapped".
            "movies", "films", "shows", "books", "novels", "episodes",
            "anime", "manga", "drama", "dramas", "kdrama", "cartoon", "comic", "webtoon",
            "sitcom", "manhwa", "manhua", "fanfic", "fanfiction"}  # fmt: skip
_STORY_OPENERS = {"in", "the", "this", "that", "a", "an", "one", "some"}
# "had a weird dream about someone chasing me": a danger that was dreamt.
_DREAMT = re.compile(
    r"\b(?:dream(?:s|t|ed)?|nightmares?) (?:about|where|that|of|in which)\b"
    r"|\bdream(?:t|ed) (?:that )?(?:a|an|the|some|someone|somebody|he|she|they|i)\b"
    r"|\bin (?:my|the|a|that) (?:dream|nightmare)\b"
)
# 2026-12-05: a clip the child watched: "i watched a tiktok where a girl explains how she got
# blackmailed"; a school lesson about a topic: "assembly today was about the scam where ...".
_WATCHED = re.compile(
    r"\b(?:watch|watched|watching|saw|seen) (?:a|an|this|that|the) (?:\w+ )?(?:tiktok|reel|vlog"
    r"|clip|short|documentary|video|youtube video|youtuber|tiktoker)\b"
)
_LESSONS = {"assembly", "lesson", "pshe", "workshop", "lecture", "seminar", "rshe"}
_AWAKE = re.compile(r"\b(?:but|now|then|woke|wake|real|really|actually)\b")
# "i'm not sad to the point of harming myself", "not upset enough to hurt myself".
_DENIED_DEGREE = re.compile(r"\bnot (?:\w+ ){1,3}(?:to the point of|enough to)\s*$")
# 2026-12-05: a parent's denial about the child: "i don't think my daughter wants to hurt herself".
_DENIED_OF_ANOTHER = re.compile(
    r"^\W*i (?:do not|don't|dont) think (?:my \w+|he|she|they)(?: \w+){0,3}\s*$"
)
# A retraction after the match: "i said i wanted to die but i didn't mean it".
_RETRACTED = re.compile(
    r"^\W*(?:\w+\W+){0,4}?but i (?:did not|didn't|do not|don't) (?:really |actually )?mean it\b"
    r"|\b(?:just|only) (?:an? )?(?:expression|figure of speech)\b"
    # 2026-12-05: taken back at once: "i'm going to walk into the sea. no wait i'll just sulk".
    r"|^\W*(?:no wait|wait no|nah wait)\b"
)
# "i'm going to lock her in the shed (joking obvs)". Not for self-harm: a child may say "joking"
# and mean it.
_JOKING = re.compile(r"^\W*\(?\s*(?:only |just )?(?:joking|kidding)\b")
# A question put to the child and denied: "my teacher asked if anyone is hurting me. no one is".
# (2026-12-06: "i asked him directly whether".)
_ASKED_IF = re.compile(
    r"\b(?:asked|asks|ask|wondered|wanted to know)(?: me| us| him| her| them)?"
    r"(?: directly| outright| straight out)? (?:if|whether)\b"
)
_DENIED_ANSWER = re.compile(
    r"\b(?:no one|nobody|no-one) (?:is|was|does|did)\b|\bi (?:am|was|'m) not\b|\bi said no\b"
    # 2026-12-06: a parent's question answered by the child: "he said no to both".
    r"|\b(?:he|she|they) (?:said|says|answered) no\b"
)
# "so hot i could burn my legs": what could happen, as the degree of something else.
_DEGREE_COULD = re.compile(r"\bso \w+(?: that)? i (?:could|would)\b")
# Someone else's note or post: "someone on reddit posted a suicide note".
_POSTERS = {"someone", "somebody", "person", "people", "guy", "girl", "boy", "user", "account",
            # 2026-12-06: "an instagram page that posts pictures of self harm scars".
            "page", "channel", "accounts", "site", "website", "forum", "blog"}  # fmt: skip
_POSTING = {"post", "share", "write", "upload", "leave", "repost", "say", "announce"}
# What a parent or carer calls the child in their care: "my son", "my stepdaughter". One list for
# the token test (_own_child) and the two patterns that read the text (_OWN_CHILD_NAMED and
# _DENIED_SAYING), so the three cannot drift apart.
_CHILD_NOUNS = ("son", "daughter", "child", "kid", "stepson", "stepdaughter", "grandson",
                "granddaughter", "nephew", "niece")  # fmt: skip
_CHILD_NOUN_PATTERN = "|".join(_CHILD_NOUNS)
# "i never said i wanted to end it", "i wouldn't say my son is suicidal": what the writer denies
# having said.
_DENIED_SAYING = re.compile(
    r"(?:\bnever|\bnot|n't) (?:said|say|saying|meant|mean|typed|wrote|texted)(?: that)?"
    rf" (?:i|my (?:{_CHILD_NOUN_PATTERN}))"
    r"(?: \w+){0,3}\s*$"
)
# Hyperbole: a wish to die (or a threat) with a laugh or "literally" and a trivial cause ("lowkey
# wanted to die when i tripped lmao"), or made on a trivial condition ("kms if the bus is late").
# Never an act ("cut", "overdosed"), and never with a warning word in the message.
_HYPERBOLE_MARKERS = {"lol", "lmao", "lmfao", "haha", "hahaha", "xd", "jk", "😂", "🤣", "💀", "😭",
                      "🙄", "literally", "lowkey", "bro", "omg", "ugh", "aiyo", "aiya", "argh",
                      "smh",
                      # 2026-12-06: "this chemistry revision has me ready to walk into the sea
                      # ngl".
                      "ngl", "istg",
                      # 2026-12-06: "ready to throw myself off the roof, ha".
                      "ha"}  # fmt: skip
_TRIVIAL_CAUSE = re.compile(
    r"\b(?:trip(?:ped|ping)?|fell over|fall(?:ing|en)? over|voice crack(?:ed|s|ing)?"
    r"|wrong (?:group ?chat|chat|group"
    r"|person|number)|songs?|jokes?|puns?|bus|train|wifi|lag(?:ging|gy)?|hoodie|stains?"
    r"|spill(?:ed|t)|xbox|ps5|playstation|console|controller|presentation|autocorrect|typo"
    r"|haircut|fringe|obby|mondays?|traffic|makeup|dig a hole|(?:this|that|next) level"
    r"|boss fight"
    # 2026-12-05: a lost match, bad teammates, a meal, a worksheet.
    r"|teammates|team mates|uninstall|ranked|worksheet|homework|broccoli|sprouts|veg|vegetables"
    r"|peas|mushrooms"
    # 2026-12-06: a game, schoolwork, a lost save, a parent dancing.
    r"|games?|revision|essay|quiz|chemistry|physics|maths|biology|save file"
    r"|update|danc(?:es|ing)|demoted|derank(?:ed)?|silver|bronze"
    # 2026-12-07 (22nd): clothes, a game's servers, a rage quit.
    r"|outfit|dress|jeans|jacket|coat|skirt|shirt|shoes|trainers|sneakers"
    r"|servers?|rage ?quit(?:ting)?)\b"
    r"|\bif (?:we|i|they) (?:lose|lost)\b|\bmakes? me eat\b"
    r"|\bif i (?:hear|see|read) (?:the|that|this) (?:word|phrase|song|name)\b"
    # 2026-12-04: a meme repeated: "if one more person says six seven i'll ... lol".
    r"|\bone more (?:person|kid|time) (?:says|asks|mentions|sings|plays|quotes)\b(?! (?:i|me|my)\b)"
    # 2026-12-04 (11th): a chore to sit through: "if i have to sit through one more group project".
    r"|\bif i (?:have|had|need) to (?:sit through|do|hear|watch|listen to|write|read|redo|deal"
    r" with) (?:\w+ )?one more\b"
)
# "this lag", "that essay": a trivial thing as the subject.
_THIS_TRIVIAL = re.compile(
    r"\b(?:this|that|these|those)\b(?: \w+){0,2}? (?:" + _TRIVIAL_CAUSE.pattern + ")"
)
_WISH_WORDS = {"die", "dead", "kill", "end", "throw", "jump", "strangle", "murder", "disappear",
               "walk",
               # 2026-12-06: "i will simply cease to exist".
               "exist"}  # fmt: skip
_ACT_WORDS = {"cut", "burn", "harm", "overdose", "scratch", "starve", "hang", "pill", "bleed",
              "blood", "hit", "touch", "rape"}  # fmt: skip
_CALL_WORDS = {"call", "calling", "called", "chat", "chatting"}
_REPORTING_WORDS = {"say", "says", "said", "go", "goes", "sing", "sings", "sang", "where", "about",
                    "call", "called", "title", "titled", "line", "quote", "when", "write",
                    "writes", "wrote", "mention", "mentions", "mentioned"}  # fmt: skip
_SAYING = {"say", "write", "sing"}
_GAME_WORDS = {"game", "games"}
_FIRST_PERSON = {"i", "me", "my", "myself", "mine", "im"}
_GENERIC_SUBJECTS = {"someone", "somebody", "anyone", "person", "people", "you", "kid", "child",
                     "teen", "student", "minor", "friend", "they", "he", "she",
                     # 2026-12-06: "if ur having suicidal thoughts", "if a teenager tells me".
                     "your", "teenager", "teenagers", "teens", "kids", "children", "pupil",
                     "students", "adult", "adults"}  # fmt: skip
# "sextortion is when someone threatens to share your pics": a definition, not a report.
_DEFINITION = re.compile(
    r"\b(?:is|means|are|was) (?:like )?when (?:someone|somebody|a person|people|you|an adult"
    r"|adults|a kid|kids|a child|they)\b"
)
# "people expect me to want to die": what others expect, not what the child says.
_EXPECTED_OF_ME = re.compile(
    r"\b(?:expect|expects|expected|expecting|assume|assumes) (?:me|us) to\s*$"
)
# "is there an app that alerts my mum if i'm in danger": a feature asked about for a case.
_TOOL_QUESTION = re.compile(
    r"^\W*(?:is there|are there|can i get|can you recommend|do you know)\b.*"
    r"\b(?:app|apps|setting|settings|feature|button|tool|alarm|tracker|watch)\b.*\b(?:if|when)\b"
)
# A question about words or signs, not a statement: "what does kms mean".
_ABOUT_WORDS = {"sign", "mean", "stand", "definition", "meaning", "symptom",
                # 2026-12-06: "what is the law about adults sending sexual messages".
                "law", "laws", "legal", "illegal"}  # fmt: skip
_QUESTION_WORDS = {"what", "how", "should", "can", "could", "is", "are", "does", "do", "why"}
_QUOTED = re.compile(
    r"\"[^\"]*\"|“[^”]*”|‘[^’]*’|«[^»]*»|(?:(?<=\s)|^)'(?:[^']|(?<=\w)'(?=\w))+'(?=[\s.,!?]|$)"
)


NOT_A_CRISIS = "not_a_crisis"
BENIGN = "benign_context"
# The reason a crisis phrase is set aside when it is someone else's ("my friend wants to die");
# the safety net answers those with the friend intent.
SOMEONE_ELSE = "someone_else"
# Special pattern words: any number, a child's age (9-17), an adult's age (18-89), and a number
# of pills or a sum of money that is no slip of the pen (5 and more).
_NUMBER_TOKENS: Dict[str, Dict[str, Any]] = {
    "NUM": {"LIKE_NUM": True},
    "MINOR": {"LOWER": {"REGEX": r"^(9|1[0-7])(yo|y/o|yrs?)?$"}},
    "ADULT": {"LOWER": {"REGEX": r"^(1[89]|[2-8]\d)(yo|y/o|yrs?|s)?$"}},
    "MANY": {
        "LOWER": {
            "REGEX": r"^([5-9]|[1-9]\d+|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty"
            r"|forty|fifty|hundred|dozen)$"
        }
    },
}
_ONE_STRETCH = 60
_LOOK_BACK = 40
# Words too common to index patterns by (see CrisisDetector._match).
_COMMON = {"i", "me", "my", "be", "to", "a", "the", "and", "not", "do", "you", "it", "he", "she",
           "they", "have", "will", "of", "in", "on", "at", "that", "this", "so", "get", "go",
           "with", "for", "all", "is", "am", "can", "just", "if", "or", "we", "your", "his",
           "her", "their", "them", "him", "up", "out", "what", "how", "like", "say", "tell",
           "school", "today", "want", "know", "think", "feel", "make", "keep", "take", "come",
           "friend", "home", "time", "day", "night", "now", "one", "no", "never", "when", "where",
           "why", "about", "would", "should", "could", "there", "here", "some", "any", "more",
           "back", "down", "off", "over", "by", "from", "as", "an", "but", "because", "really",
           "try", "need", "see", "look", "give", "well", "good", "still", "even", "only", "way",
           "thing", "stuff", "people", "someone", "man", "guy", "year", "old", "use", "let",
           "dad", "mom", "mum", "house", "everyone", "right", "last", "much", "many",
           "again"}  # fmt: skip
# Asking for advice about someone else: "my friend says she wants to die, what do i do".
_ADVICE = re.compile(
    r"\b(?:what|how|where)\s+(?:do|should|can|could|would|to)\b|\bshould\s+(?:i|we)\b"
    r"|\bwhat\s+(?:now|next|else)\b|\bhow\s+(?:i\s+)?help\b"
    r"|\bwho\s+(?:can|should|do|could)\s+(?:i|we)\s+(?:tell|talk|call|report)\b"
    r"|\b(?:can|could|should|will|does|did)\s+(?:she|he|they)\b"
    r"|\bis\s+(?:it|that|this)\s+(?:a\s+)?(?:bad|normal|serious|ok|slang|joke|trend|meme)\b"
    # 2026-12-05: "can i report it to insta", "who is the right person to pass this to".
    r"|\b(?:can|could|should)\s+i\s+report\b|\bwho\s+is\s+the\s+right\s+(?:person|people)\b"
)
_THIRD_PARTY = {"friend", "cousin", "sister", "brother", "mate", "classmate", "kid", "girl", "boy",
                "someone", "somebody", "person", "son", "daughter", "child", "he", "she",
                "they", "student", "bestie", "bff", "niece", "nephew", "teen", "guy",
                "streamer", "duo", "mutual", "mutuals"}  # fmt: skip
# Hearsay about someone else: "heard a rumour that a boy in year 11 got blackmailed".
# A suspicion about someone named is hearsay too: "i think my friend is cutting again" (not "i
# think someone is in the house").
_HEARSAY = re.compile(
    r"\b(?:rumou?rs?|apparently|supposedly|gossip|heard (?:that|about))\b"
    r"|\b(?:think|thinks|suspect|worried|worry|concerned|pretty sure)(?: that)? (?:my|our|a|this)\b"
    # 2026-12-05: a story told to the class: "she told us about a boy who got sextorted".
    r"|\b(?:told|tell|telling) (?:us|the class|the whole class) about (?:a|an|this|some)\b"
    # "my brothers friend said he got sextorted".
    r"|\b(?:friend|mate|classmate|cousin) (?:said|says) (?:he|she|they)\b"
    # 2026-12-06: "my nephew's friend told him he's being blackmailed".
    r"|\b(?:friend|mate|classmate|cousin) (?:told|tells) (?:him|her|them|me) (?:he|she|they)\b"
    # "there's a girl in my class who says a man gives her money for photos".
    r"|\bthere(?: is| are| was|'s)? (?:a|an|this|some) (?:\w+ ){0,6}?(?:who|that)"
    r"(?: \w+)? (?:says|said|told|tells|keeps saying|brags|bragged|boasts|boasted|claims)\b"
)
# A peer as the subject, told about by a child: "my friend keeps saying everyone would be better
# off without her", "my gf cuts". A friend's crisis has an answer of its own (worried_about_friend:
# the helplines and how to help), so it needs no advice word or rumour to be someone else's, as
# long as nothing else in the clause is the child's ("my boyfriend is 22 and im 14", "giving my
# stuff to my cousins") and the peer is not someone's relative ("my friend's big brother"). A
# parent's child, a sibling and "someone" are not peers here.
_PEER = re.compile(
    r"\b(?:my|our)\s+(?:(?:best|close|online|old|only)\s+)?"
    r"(?:friends?|bestie|bff|mates?|classmates?|teammates?|cousins?|girlfriend|boyfriend|gf|bf"
    r"|duo|mutuals?)"
    # ("my best friend's been sextorted" is the friend: "'s" there is "has" or "is").
    r"(?!'(?!s (?:been|being|got|getting|going|gonna|not|always|never)\b)"
    r"|s?\s+(?:big|little|older|younger|step|dad|mum|mom|brother|sister|parent|uncle|aunt))"
    r"\b"
    # 2026-12-05: a bare "friend" opening the message: "friend wants to die, how help".
    r"|^\W*(?:friend|mate|bestie|bff|classmate)\b(?!')"
)
_REPORTED = {"say", "tell", "text", "post", "write", "message", "dm", "admit", "mention"}
_FIRST_PERSON_WORDS = {"i", "me", "my", "myself", "mine", "we", "us", "our"}
# Any word that is the child's in a peer's clause, as typed ("im" too).
_CHILDS_OWN = _FIRST_PERSON_WORDS | _FIRST_PERSON
# "told me", "asked me": the child is the one told, not the one it happens to.
_TOLD_ME = _REPORTED | {"show", "ask", "call", "send", "warn"}
# Games in which being followed, locked up or killed is play: "in roblox someone locked me in".
_GAMES = {"roblox", "minecraft", "fortnite", "gta", "among", "sims", "valorant", "cod", "warzone",
          "jailbreak", "brookhaven", "fnaf", "apex", "overwatch", "pubg", "zelda", "mario",
          "pokemon", "skyrim", "rust", "dayz", "fifa"}  # fmt: skip


@dataclass(frozen=True)
class CrisisFinding:
    """Why the detector fired: which category, which pattern, and the intent it maps to."""

    category: str
    intent: str
    pattern: str

    def as_dict(self) -> Dict[str, str]:
        # No matched text: parse data is stored, and the words may identify the child.
        return {"category": self.category, "intent": self.intent, "pattern": self.pattern}


@dataclass(frozen=True)
class Assessment:
    """A crisis finding, or (when there is none) the pattern that reads the message as no crisis
    and why, e.g. "self_harm:1:negated" or "not_a_crisis:3"."""

    finding: Optional[CrisisFinding]
    no_crisis_reason: Optional[str]


def _compile_rewrites(rewrites: Dict[str, str]) -> Tuple[re.Pattern, Dict[str, str]]:
    """One alternation of all sources, longest first, so the text is rewritten in one pass."""
    table = {str(source).lower(): str(target) for source, target in rewrites.items()}
    sources = sorted(table, key=lambda source: (-len(source), source))
    alternation = "|".join(re.escape(source) for source in sources) or "(?!)"
    return re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])"), table


def _sketch(pattern: List[Dict[str, Any]]) -> re.Pattern:
    """The pattern as a regular expression over lemmas joined by spaces, looser than the
    pattern itself (numbers and exact forms are read as any word)."""
    parts = []
    for spec in pattern:
        op = spec.get("OP", "")
        if op.startswith("{"):
            parts.append(rf"(?:\S+ ){op}")
            continue
        words = spec.get("_lemmas") or (spec.get("LEMMA") or {}).get("IN")
        part = "(?:" + "|".join(re.escape(w) for w in words) + ") " if words else r"\S+ "
        parts.append(f"(?:{part})?" if op == "?" else part)
    return re.compile(r"(?<!\S)" + "".join(parts))


def _token_text(token: Any) -> str:
    """A pattern token as written: YAML reads "?x" in a flow list as the mapping {x: ""}."""
    if isinstance(token, dict) and len(token) == 1:
        return "?" + str(next(iter(token)))
    return str(token)


# Words run together on a phone: "imgonnakillmyselftonite", "iburnmyselfwith the straighteners".
# The verb is split off only where it cannot end another word ("weekendmyself" stays "weekend").
_RUN_TOGETHER = re.compile(
    r"(?<=[a-z])(?=(?:kill|hurt|cut|burn|harm)myself)|(?<=[a-z])(?=myself)|(?<=myself)(?=[a-z])"
)


def _split_run_together(text: str) -> str:
    """ "killmyself" → "kill myself": "myself" glued to the words around it is split off (one
    linear pass of zero-width matches)."""
    return _RUN_TOGETHER.sub(" ", text)


def _squeeze_repeats(text: str) -> str:
    """Three or more of a letter become one ("soooo" → "so", "dieeee" → "die"): children
    stretch words, and no pattern word needs a letter a child would stretch."""
    return re.sub(r"([^\W\d])\1{2,}", r"\1", text)


class CrisisDetector:
    """Finds crisis statements in a message. Thread-safe after construction."""

    def __init__(
        self,
        nlp: Optional[Language] = None,
        patterns_file: Path = PATTERNS_FILE,
        chinese: Optional[ChineseCrisisDetector] = None,
    ):
        # Imported here: the Chinese detector builds on this module's findings.
        from haven_nlu.crisis_zh import ChineseCrisisDetector

        self.nlp = nlp or _load_pipeline()
        self.chinese = chinese or ChineseCrisisDetector()
        # BaseLoader keeps every scalar a string: plain YAML would read "no", "off" and "on" in
        # a phrase as booleans.
        config = yaml.load(patterns_file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        self._rewrites = _compile_rewrites(config.get("rewrites") or {})
        self._warning_words = {
            self._lemma(word) for word in (config.get(NOT_A_CRISIS) or {}).get("unless", [])
        }
        self._categories: List[str] = []
        self._intents: Dict[str, str] = {}
        self._self_negating: Dict[str, bool] = {}
        self._not_before: Dict[str, set] = {}
        self._not_after: Dict[str, set] = {}
        sections = {
            **config["categories"],
            NOT_A_CRISIS: config.get(NOT_A_CRISIS) or {},
            BENIGN: config.get(BENIGN) or {},
        }
        phrases: List[Tuple[str, Sequence[str]]] = []
        for category, spec in sections.items():
            if category not in (NOT_A_CRISIS, BENIGN):
                self._categories.append(category)
                self._intents[category] = spec["intent"]
            for number, phrase in enumerate(spec.get("phrases") or [], start=1):
                phrases.append((f"{category}:{number}", phrase))
        # A combination: every group of phrases must match somewhere in the message ("i'm 13"
        # and "a 30 year old" and "keeps asking for pics").
        self._combos: List[Tuple[str, int]] = []
        self._combo_group: Dict[str, Tuple[int, int]] = {}
        # 2026-12-06: groups that hold for the whole message once said ("i'm a foster carer",
        # "i'm 14"), so a long message that says who the writer is in its first sentence and
        # what happened in its fourth still combines them.
        self._carried: set = set()
        for index, combo in enumerate(config.get("combos") or []):
            self._combos.append((combo["category"], len(combo["groups"])))
            self._carried.update((index, int(group)) for group in combo.get("carry") or [])
            for group, group_phrases in enumerate(combo["groups"]):
                for number, phrase in enumerate(group_phrases, start=1):
                    key = f"combo{index}.{group}:{number}"
                    self._combo_group[key] = (index, group)
                    phrases.append((key, phrase))
        # Each sentence is matched only against the patterns whose every required word it
        # holds: one spaCy matcher with several hundred gapped patterns is slow on long text.
        self._single: Dict[str, Matcher] = {}
        self._required: Dict[str, List[set]] = {}
        self._by_trigger: Dict[str, List[str]] = {}
        self._unconstrained: List[str] = []
        # A regular expression over the lemmas that every match of the pattern also matches: a
        # cheap test before the (slow) spaCy matcher runs.
        self._sketch: Dict[str, re.Pattern] = {}
        # Rank of each pattern's category (lower wins); context patterns always count, and the
        # non-crisis readings only while nothing has been found.
        self._rank: Dict[str, int] = {}
        self._longest = 1  # the most tokens a match can span
        for key, phrase in phrases:
            tokens = [_token_text(token) for token in phrase]
            # "^a|b" first: the word before must not be a or b; "~a|b" last: nor the next.
            if tokens[0].startswith("^"):
                self._not_before[key] = {self._lemma(w) for w in tokens.pop(0)[1:].split("|")}
            if tokens[-1].startswith("~"):
                self._not_after[key] = {self._lemma(w) for w in tokens.pop()[1:].split("|")}
            pattern = self._token_pattern(tokens)
            self._note_required(key, pattern)
            self._rank[key] = self._rank_of(key)
            self._longest = max(
                self._longest, sum(int(t[3:]) if t.startswith("...") else 1 for t in tokens)
            )
            single = Matcher(self.nlp.vocab)
            single.add(key, [pattern])
            self._single[key] = single
            self._self_negating[key] = any(
                word in _NEGATIONS for token in tokens for word in token.split("|")
            )
        for category, intent in self.chinese.intents.items():
            if self._intents.get(category) != intent:
                raise ValueError(f"Chinese crisis category {category} has no English match")

    def _rank_of(self, key: str) -> int:
        category = key.split(":")[0]
        if key in self._combo_group:
            category = self._combos[self._combo_group[key][0]][0]
        if category == BENIGN:
            return -1
        if category in self._categories:
            return self._categories.index(category)
        return len(self._categories)

    def _note_required(self, key: str, pattern: List[Dict[str, Any]]) -> None:
        """The words a sentence must hold for the pattern to match, indexed by the least common
        of them."""
        self._sketch[key] = _sketch(pattern)
        required = [
            set(spec["LEMMA"]["IN"] if "LEMMA" in spec else spec.pop("_lemmas"))
            for spec in pattern
            if ("IN" in spec.get("LEMMA", {}) or "_lemmas" in spec) and "OP" not in spec
        ]
        for spec in pattern:
            spec.pop("_lemmas", None)
        if not required:
            self._unconstrained.append(key)
            return
        required.sort(key=lambda words: (len(words & _COMMON), len(words)))
        self._required[key] = required
        for word in required[0]:
            self._by_trigger.setdefault(word, []).append(key)

    def _lemma(self, word: str) -> str:
        doc = self.nlp(word.lower())
        return (doc[0].lemma_ or doc[0].lower_).lower() if len(doc) else word.lower()

    def _analyse(self, text: str) -> Doc:
        # The text is lower case already, and the lookup lemmatizer keeps an unknown word as it
        # is, so the lemma is the lower-case lemma the patterns are written in.
        return self.nlp(text)

    def _token_pattern(self, tokens: Sequence[str]) -> List[Dict[str, Any]]:
        pattern: List[Dict[str, Any]] = []
        for token in tokens:
            if token == "*":
                pattern.append({})
            elif token in _NUMBER_TOKENS:
                pattern.append(dict(_NUMBER_TOKENS[token]))
            elif token.startswith("..."):
                pattern.append({"OP": f"{{0,{int(token[3:])}}}"})
            else:
                optional = token.startswith("?")
                words = token.lstrip("?").split("|")
                if any(word in _NUMBER_TOKENS for word in words):
                    # "money|NUM": a number among words, one regular expression over lemmas.
                    spec = {"LEMMA": {"REGEX": _number_alternation(words, self._lemma)}}
                    pattern.append({**spec, "OP": "?"} if optional else spec)
                    continue
                if all(word.startswith("=") for word in words):
                    # "=hiding": this form only, where the lemma would also take "hide".
                    exact = sorted({word[1:] for word in words})
                    spec = {"LOWER": {"IN": exact}, "_lemmas": sorted(map(self._lemma, exact))}
                    pattern.append({**spec, "OP": "?"} if optional else spec)
                    continue
                # Tokens are matched by their lower-case lemma (see _analyse), so a pattern word
                # stands for all its forms: "hits" matches "hit", "hitting", "hits".
                forms = sorted({self._lemma(w) for w in words})
                spec: Dict[str, Any] = {"LEMMA": {"IN": forms}}
                pattern.append({**spec, "OP": "?"} if optional else spec)
        return pattern

    def normalise(self, text: str) -> str:
        """Lower case, stretched letters squeezed, slang and typos rewritten."""
        text = _squeeze_repeats(text.lower().replace("’", "'").replace("`", "'"))
        text = _split_run_together(text)
        pattern, table = self._rewrites
        return pattern.sub(lambda match: table[match.group(0)], text)

    def _negated(self, doc: Doc, span: Span, key: str) -> bool:
        sentence_start = _clause_start(doc, span.start)
        # "my friends think i'm suicidal but i'm not"
        following = [token.lemma_ for token in doc[span.end : span.end + 10]]
        for index in range(len(following) - 3):
            # 2026-12-06: "... she thinks i'm joking but i'm not" denies the joke, not the match.
            if index and following[index - 1] in _JOKE_WORDS:
                continue
            if following[index : index + 4] == ["but", "i", "be", "not"]:
                end = index + 4
                if end == len(following) or following[end] in {".", ",", "!", "just", "really"}:
                    return True
        # 2026-12-06: "everyone thinks i'm self harming because ... i'm not.": their belief, then
        # a denial standing as a sentence of its own.
        if _BELIEVED_OF_ME.search(doc[sentence_start : span.start].text) and _FLAT_DENIAL.search(
            doc[span.end : span.end + 20].text
        ):
            return True
        opening = [token.lemma_ for token in doc[sentence_start : span.start]]
        pairs = {tuple(opening[i : i + 2]) for i in range(len(opening))}
        if pairs & set(_DENIAL_OPENERS) and not _SHRUG.search(
            doc[sentence_start : span.start].text
        ):
            return True
        if _denied_thoughts(doc, span, sentence_start):
            return True
        if _DENIED_SAYING.search(doc[sentence_start : span.start].text):
            return True
        if _DENIED_DEGREE.search(doc[sentence_start : span.start].text):
            return True
        if _DENIED_OF_ANOTHER.search(doc[sentence_start : span.start].text) and not (
            _FIRST_PERSON_WORDS & {token.lower_ for token in span}
        ):
            return True
        if _RETRACTED.search(doc[span.end : span.end + 12].text):
            return True
        if not key.startswith("self_harm") and _JOKING.search(doc[span.end : span.end + 6].text):
            return True
        if _ASKED_IF.search(doc[sentence_start : span.end].text) and _DENIED_ANSWER.search(
            doc[span.end : span.end + 15].text
        ):
            return True
        # 2026-12-06: "people think i can't hurt myself but i do": the denial is theirs.
        if _BUT_I_DO.match(doc[span.end : span.end + 4].text):
            return False
        first = max(sentence_start, span.start - _NEGATION_WINDOW)
        # 2026-12-04: a denial carries over "or": "i don't want to die or hurt myself".
        if span.start > 0 and doc[span.start - 1].lower_ in {"or", "nor"}:
            first = max(sentence_start, span.start - _NEGATION_WINDOW - 4)
        last = span.start if self._self_negating[key] else span.end
        for index in range(first, last):
            if doc[index].lemma_ in _NEGATIONS or doc[index].lower_ in _NEGATIONS:
                # "so no one sees what i did to my arms" hides the act, it does not deny it;
                # "how do i say no to him asking for nudes" refuses, it does not deny.
                previous = doc[index - 1] if index > 0 else None
                # (but "explain that nobody should touch you" states a rule).
                rule = index + 1 < len(doc) and doc[index + 1].lower_ in {"should", "must", "ought"}
                if _answering_no(doc, index, sentence_start):
                    continue
                if previous is not None and (
                    (
                        previous.lower_ in {"so", "that"}
                        and doc[index].lower_ in {"no", "nobody"}
                        and not rule
                    )
                    or (previous.lemma_ in {"say", "with"} and doc[index].lower_ == "no")
                ):
                    continue
                # "if i don't send a pic he'll ...": a threat's condition, not a denial (but "even
                # if i'm not gonna hurt myself" denies the match right after it).
                condition = "if" in {t.lower_ for t in doc[max(sentence_start, index - 3) : index]}
                if condition and span.start - index > 3:
                    continue
                following = index + 1
                # "i don't know if i want to die" is not a denial; "i never thought about
                # suicide" is (the verb after the negation is the match itself).
                hedge = (
                    following < span.start
                    and doc[following].lemma_ in _NOT_A_DENIAL
                    and (
                        following + 1 >= len(doc)
                        or doc[following + 1].lemma_ not in {"of", "about"}
                    )
                )
                if not hedge:
                    return True
        return False

    def _excluded_by_context(self, doc: Doc, span: Span, key: str) -> bool:
        before = doc[span.start - 1].lemma_ if span.start > 0 else ""
        after = doc[span.end].lemma_ if span.end < len(doc) else ""
        # 2026-12-04 (11th): "from my new kitten" is still "from my kitten": the word after is
        # read past one attributive word.
        if after in _ATTRIBUTIVE and span.end + 1 < len(doc):
            after = doc[span.end + 1].lemma_
        return before in self._not_before.get(key, ()) or after in self._not_after.get(key, ())

    @staticmethod
    def _quoted(span: Span, quoted: Sequence[Tuple[int, int]]) -> bool:
        return any(start <= span.start_char and span.end_char <= end for start, end in quoted)

    @staticmethod
    def _reported_from_media(doc: Doc, span: Span) -> bool:
        """ "in the movie he says he wants to die": a media word, then a reporting word, before
        the match in the same sentence."""
        sentence_start = _clause_start(doc, span.start)
        before = [token.lower_ for token in doc[sentence_start : span.start]]
        # "a video call" or "video chatting" is talking to someone, not a film.
        media_at = [
            i
            for i, word in enumerate(before)
            if word in _MEDIA_WORDS
            and not _CALL_WORDS & set(before[i + 1 : i + 2])
            and before[i + 1 : i + 3] not in (["of", "me"], ["of", "us"])  # a video of the child
            and not _private_media(before, i)
        ]
        if _FICTIONAL & set(before) and not _FIRST_PERSON & {t.lower_ for t in span}:
            return True
        clause = set(before) | {t.lower_ for t in span}
        if _WATCHED.search(" ".join(before)) and not _FIRST_PERSON & {t.lower_ for t in span}:
            return True
        lesson = next((i for i, word in enumerate(before) if word in _LESSONS), None)
        if lesson is not None and "about" in before[lesson + 1 :] and not _FIRST_PERSON & clause:
            return True
        # A label: "lyric: cut me deep", "quote: ...".
        if any(
            word in _MEDIA_WORDS | {"quote"} and before[i + 1 : i + 2] == [":"]
            for i, word in enumerate(before)
        ):
            return True
        # "the girl writes 'goodbye forever'": the match may open with the reporting word.
        opener = [span[0].lower_] if span[0].lemma_ in _SAYING else []
        # "a man in a game said he'd give me robux": someone met in a game, talking to the child.
        played = media_at and before[media_at[0]] in _GAME_WORDS | _GAMES
        to_me = _FIRST_PERSON & set(before[media_at[0] + 1 :] if media_at else ())
        to_me |= _FIRST_PERSON & {t.lower_ for t in span}
        if played and to_me:
            media_at = []
        # 2026-12-05: the child turning to themself after the media: "i watched a video where a
        # girl cuts herself and now i want to cut myself".
        if media_at and _turns_to_self(before[media_at[0] + 1 :], span):
            media_at = []
        if media_at and any(
            word in _REPORTING_WORDS for word in before[media_at[0] + 1 :] + opener
        ):
            return True
        # "that horror movie had a guy with a knife", "why do horror films have someone trapped":
        # what a story shows.
        return any(
            word in _FICTION - _GAME_WORDS and before[i + 1 : i + 2] in (["had"], ["has"], ["have"])
            for i, word in enumerate(before)
        )

    def detect(self, text: str) -> Optional[CrisisFinding]:
        """The highest-priority crisis finding in the message, or None."""
        return self.assess(text).finding

    def assess(self, text: str) -> Assessment:
        """The crisis finding, if any, and otherwise why the message reads as no crisis: a
        crisis phrase that was negated, quoted, reported or laughed off, or a known non-crisis
        reading ("this game is killing me", "what is self harm"). A message with Chinese in it
        is read by both detectors and the more urgent finding wins."""
        if detect_language(text) != CHINESE:
            return self._assess_english(text)
        english = self._assess_english(self.chinese.without_framed_english(text))
        chinese = self.chinese.assess(text)
        findings = [found for found in (english, chinese) if found.finding]
        if findings:
            return min(findings, key=lambda found: self._categories.index(found.finding.category))
        return Assessment(None, chinese.no_crisis_reason or english.no_crisis_reason)

    def _assess_english(self, text: str) -> Assessment:
        if not text or not text.strip():
            return Assessment(None, None)
        normalised = self.normalise(text)
        doc = self._analyse(normalised)
        quoted = [match.span() for match in _QUOTED.finditer(normalised)]
        found: Dict[str, str] = {}
        defused: Optional[str] = None
        advice = bool(_ADVICE.search(normalised))
        combo_hits: Dict[Tuple[int, int], bool] = {}  # group: any part of it the child's
        carried: Dict[Tuple[int, int], bool] = {}  # the message-wide groups said so far
        readings: List[Tuple[str, int, int]] = []  # not-a-crisis readings: key, start, end
        outranked = [len(self._categories) + 1]  # matching stops for what cannot win
        for matches in self._match(doc, outranked):
            benign = {
                _sentence_start(doc, start)
                for key, start, end in matches
                if key.startswith(BENIGN)
                and not self._excluded_by_context(doc, doc[start:end], key)
            }
            for key, start, end in matches:
                span = doc[start:end]
                category = key.split(":")[0]
                if category == BENIGN:
                    continue
                if category == NOT_A_CRISIS:
                    readings.append((key, start, end))
                    continue
                reason = self._why_not_current(doc, span, key, category, quoted)
                if not reason and _sentence_start(doc, start) in benign:
                    reason = "benign"
                someone_else = not reason and (
                    (
                        (advice or _hearsay(doc, span) or _peer_subject(doc, span))
                        and _about_someone_else(doc, span)
                    )
                    or _disowned(doc, span)
                )
                # The writer's own role ("i'm raising my sister's boy") is never someone else's.
                if someone_else and self._combo_group.get(key) in self._carried:
                    someone_else = False
                if (
                    key in self._combo_group
                    and not reason
                    and not (someone_else and not _an_age(span))
                ):
                    # An age is always someone's: in "a man messaged me, he's 31, and keeps
                    # asking me to meet" it is the man's, and the rest is the child's.
                    group = self._combo_group[key]
                    combo_hits[group] = combo_hits.get(group, False) or not someone_else
                    continue
                if not reason and not someone_else and _their_images(doc, span):
                    someone_else = True
                if reason or someone_else:
                    defused = defused or f"{key}:{reason or SOMEONE_ELSE}"
                    continue
                found.setdefault(category, key)
                outranked[0] = min(outranked[0], self._rank[key])
            # A combination counts within one stretch (the whole of a short message), but for
            # the message-wide groups said in an earlier one.
            for group in carried:
                combo_hits[group] = True
            for index, (category, groups) in enumerate(self._combos):
                parts = [combo_hits.get((index, g)) for g in range(groups)]
                if category not in found and None not in parts and any(parts):
                    found[category] = f"{category}:combo{index + 1}"
                    outranked[0] = min(outranked[0], self._categories.index(category))
            carried.update(
                (group, True)
                for group, mine in combo_hits.items()
                if mine and group in self._carried
            )
            combo_hits = {}
            if outranked[0] == 0:
                break  # nothing outranks it: stop reading a long message
        for category in self._categories:
            if category in found:
                finding = CrisisFinding(category, self._intents[category], found[category])
                return Assessment(finding, None)
        return Assessment(None, defused or self._harmless_reading(doc, readings))

    def _harmless_reading(
        self, doc: Doc, readings: Sequence[Tuple[str, int, int]]
    ) -> Optional[str]:
        """The first not-a-crisis reading, if the rest of the message holds no warning word: "my
        phone is almost dead" explains "dead", not "a man keeps asking me to come with him"."""
        if not readings:
            return None
        covered = {index for _, start, end in readings for index in range(start, end)}
        rest = {token.lemma_ for token in doc if token.i not in covered}
        return None if rest & self._warning_words else readings[0][0]

    def _match(self, doc: Doc, outranked: List[int]) -> Iterator[List[Tuple[str, int, int]]]:
        """The matches of each stretch of the message, each stretch matched only against the
        patterns whose required words it holds and whose category could still win (rank below
        outranked[0]): a 5,000-character message stays fast."""
        # A short message is one stretch ("last message. love you all"); a long one is matched
        # sentence by sentence, and a long sentence in overlapping windows.
        if len(doc) <= _ONE_STRETCH:
            stretches = [(0, len(doc))]
        else:
            size = self._longest
            stretches = [window for bounds in _sentences(doc) for window in _windows(*bounds, size)]
        seen: Dict[Tuple[Tuple[str, ...], int], List[Tuple[str, int, int]]] = {}
        every_lemma = [token.lemma_ for token in doc]
        for start, end in stretches:
            lemmas = tuple(every_lemma[start:end])
            memo = (lemmas, outranked[0])
            if memo not in seen:  # a repeated sentence is matched once
                words = set(lemmas)
                text = " ".join(re.sub(r"\s", "_", lemma) or "_" for lemma in lemmas) + " "
                candidates = set(self._unconstrained)
                for word in words:
                    for key in self._by_trigger.get(word, ()):
                        if (
                            key not in candidates
                            and self._rank[key] < outranked[0]
                            and all(words & need for need in self._required[key])
                            and self._sketch[key].search(text)
                        ):
                            candidates.add(key)
                span = doc[start:end]
                seen[memo] = sorted(
                    (key, match_start, match_end)
                    for key in candidates
                    for _, match_start, match_end in self._single[key](span)
                )
            matches = [(key, start + s, start + e) for key, s, e in seen[memo]]
            yield sorted(matches, key=lambda match: (match[1], match[2], match[0]))

    def _why_not_current(
        self, doc: Doc, span: Span, key: str, category: str, quoted: Sequence[Tuple[int, int]]
    ) -> Optional[str]:
        if self._quoted(span, quoted) and not _quoting_own_child(doc, span, quoted):
            return "quoted"
        if _ends_in_quote(doc, span, quoted) and not _quoting_own_child(doc, span, quoted):
            return "quoted"
        if self._reported_from_media(doc, span):
            return "media"
        if _in_a_story(doc, span, laughter_sensitive=category in _LAUGHTER_SENSITIVE):
            return "game"
        if category in _LAUGHTER_SENSITIVE and _dreamt(doc, span):
            return "dream"
        if self._excluded_by_context(doc, span, key):
            return "context"
        if _hypothetical(doc, span):
            return "hypothetical"
        if self._negated(doc, span, key):
            return "negated"
        if _resolved_in_the_past(doc, span) or _retold_story(doc, span):
            return "past"
        if category in _LAUGHTER_SENSITIVE and _long_ago(doc, span):
            return "past"
        if category in _LAUGHTER_SENSITIVE and _laughed_off(doc, span):
            return "laughter"
        if self._trivial_hyperbole(doc, span):
            return "hyperbole"
        if _DEGREE_COULD.search(doc[_clause_start(doc, span.start) : span.end].text):
            return "hyperbole"
        if category == "self_harm" and _posted_by_someone_else(doc, span):
            return SOMEONE_ELSE
        opening = doc[_clause_start(doc, span.start) : span.start].text
        if category == "abuse" and _PET_SUBJECT.search(opening):
            return "hyperbole"
        # 2026-12-07: "the dog is hiding under the table again": the pet hides, not the child.
        if category == "danger" and _ANIMAL_SUBJECT.search(opening):
            return "context"
        if _refused_and_safe(doc, span):
            return "past"
        if category == "self_harm" and _past_state(doc, span):
            return "past"
        # (A combination's part is read as its combination's category.)
        if key in self._combo_group:
            category = self._combos[self._combo_group[key][0]][0]
        if category == "self_harm" and _said_and_taken_back(doc, span, quoted):
            return "negated"
        if category == "self_harm" and _avoided(doc, span):
            return "context"
        if _stopped_since(doc, span) or _HANDLED.match(doc[span.end : span.end + 10].text):
            return "past"
        return None

    def _trivial_hyperbole(self, doc: Doc, span: Span) -> bool:
        """A wish to die or a threat, with a trivial cause in its sentence and either a laugh
        (or "literally") or the cause as its condition: "dads jokes make me want to end it all
        lmao", "gonna kms if the bus is late again". Not when the child is the one done to after
        it ("... when the bus driver touched me") or a warning word is in the message."""
        lemmas = {token.lemma_ for token in span}
        if not lemmas & _WISH_WORDS or lemmas & _ACT_WORDS:
            return False
        if self._warning_words & {token.lemma_ for token in doc}:
            return False
        start, end = _sentence_start(doc, span.start), _sentence_end(doc, span.end)
        after = doc[span.end : end]
        if {"me", "us"} & {token.lower_ for token in after}:
            return False
        sentence = doc[start:end]
        # The punchline may follow: "i literally want to die. like dig a hole and bury me."
        if not _TRIVIAL_CAUSE.search(doc[start : _sentence_end(doc, end + 1)].text):
            return False
        if _HYPERBOLE_MARKERS & {token.lower_ for token in sentence}:
            return True
        # "this wifi is so slow i wanna die", "this lag makes me want to die": the wish as the
        # degree or the effect of a trivial annoyance.
        lead = doc[max(start, span.start - 3) : span.start]
        # "this worksheet makes me want to jump off a cliff": the effect may stand before "want".
        wider = doc[max(start, span.start - 5) : span.start]
        if {"want", "wanna"} & {token.lemma_ for token in lead}:
            lead = wider
        if "so" in {token.lower_ for token in lead} and _TRIVIAL_CAUSE.search(
            doc[start : span.start].text
        ):
            return True
        # The effect of "this lag", "that level" right before it; not "the boys on my bus make me
        # want to die", where the bus is only where it happens.
        effect = next((token.i for token in lead if token.lemma_ == "make"), None)
        cause = doc[max(start, effect - 2) : effect] if effect is not None else None
        if cause and cause[0].lower_ in {"this", "that"} and _TRIVIAL_CAUSE.search(cause.text):
            return True
        # 2026-12-06: "this lag is going to make me kms": the subject a little further back.
        wide_cause = doc[max(start, effect - 5) : effect] if effect is not None else None
        if wide_cause and _THIS_TRIVIAL.search(wide_cause.text):
            return True
        # 2026-12-05: the cause opening the sentence, "lag makes me wanna die".
        if cause and cause.start == start and _TRIVIAL_CAUSE.search(cause.text):
            return True
        # "... because of my haircut", "cos of this lag": the trivial cause right after.
        because = re.match(r"\W*(?:because|cos|cuz|coz) of\b", after[:3].text)
        if because and _TRIVIAL_CAUSE.search(after[:7].text):
            return True
        # The condition before ("if mum makes me eat broccoli again ill kms") or a little after
        # ("throw myself out the window if this wifi doesnt come back").
        opening = doc[start : span.start]
        # ("honestly if i hear the word 'targets' again ...": an interjection may come first.)
        if {t.lower_ for t in opening[:2]} & {"if", "when"} and _TRIVIAL_CAUSE.search(opening.text):
            return True
        # 2026-12-06: "... every time my dad dances", "whenever".
        condition = next(
            (t.i for t in after[:5] if t.lower_ in {"if", "when", "whenever", "every"}), None
        )
        if condition is None:
            return False
        return bool(_TRIVIAL_CAUSE.search(doc[condition : min(end, condition + 8)].text))

    def intent_priority(self, intent: str) -> Optional[int]:
        """Position of an intent among the crisis categories (lower wins), or None."""
        for position, category in enumerate(self._categories):
            if self._intents[category] == intent:
                return position
        return None


# The lemma regular expressions of the number words in _NUMBER_TOKENS.
_NUMBER_REGEX = {
    "NUM": r"[$£€]?\d[\d,.]*[km]?|one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty"
    r"|hundred|thousand|grand",
    **{
        name: spec["LOWER"]["REGEX"].strip("^$")
        for name, spec in _NUMBER_TOKENS.items()
        if "LOWER" in spec
    },
}


def _number_alternation(words: Sequence[str], lemma: Any) -> str:
    """One lemma regular expression for an alternation that mixes words and number tokens."""
    parts = [
        f"(?:{_NUMBER_REGEX[word]})" if word in _NUMBER_REGEX else re.escape(lemma(word))
        for word in words
    ]
    return "^(?:" + "|".join(parts) + ")$"


_PRIVATE = {"private", "intimate", "nude", "naked", "sexy"}


def _private_media(words: Sequence[str], index: int) -> bool:
    """ "our private video", "a private video", "my video": the child's own recording, not a
    film (2026-12-04)."""
    return index > 0 and words[index - 1] in {"my", "our"} | _PRIVATE


# 2026-12-05: "no" as the answer to a question, opening the clause before a subject or a pause:
# "no i want to die", "no. he's outside my house", "nope hes at my door" (asked "are you safe?").
# "no one is hurting me" and "no i don't want to die" still deny.
_ANSWER_WORDS = {"no", "nope", "nah", "naw"}
_AFTER_AN_ANSWER = {",", ".", "!", "...", "-", "i", "im", "i'm", "he", "hes", "he's", "she", "shes",
                    "she's", "they", "theyre", "they're", "we", "it", "its", "it's", "my", "wait",
                    "actually", "but", "help", "please", "pls", "someone", "somebody"}  # fmt: skip


_TURNING = {"and", "but", "so", "now", "then"}
_SELF_OBJECT = {"myself", "me", "my"}


def _turns_to_self(words: Sequence[str], span: Span) -> bool:
    """After a media word, a clause of the child's own ("and now i ...") leading to a match about
    the child themself."""
    turned = any(
        word in _TURNING and words[i + 1 : i + 2] in (["i"], ["im"], ["i'm"])
        for i, word in enumerate(words)
    )
    return turned and bool(_SELF_OBJECT & {token.lower_ for token in span})


def _answering_no(doc: Doc, index: int, clause_start: int) -> bool:
    """A "no" that answers a question rather than denying the match after it."""
    if doc[index].lower_ not in _ANSWER_WORDS or index + 1 >= len(doc):
        return False
    opens = all(not token.is_alpha for token in doc[clause_start:index])
    return opens and doc[index + 1].lower_ in _AFTER_AN_ANSWER


# 2026-12-05: a pet or a thing as the one who "abuses": "my cat is abusing me lol".
def _opening_subject(nouns: str) -> re.Pattern:
    """One of ``nouns`` as the subject a clause opens on, up to the match: "the dog is"."""
    return re.compile(rf"\b(?:my|our|the|this) (?:{nouns})(?: \w+){{0,2}}\s*$")


_PETS = "cat|dog|puppy|kitten|hamster|pet|parrot|rabbit|bunny|budgie"
_PET_SUBJECT = _opening_subject(f"{_PETS}|phone|laptop|printer|alarm")
# 2026-12-07: an animal, not a phone ("these older dudes took my phone and wont let me leave").
_ANIMAL_SUBJECT = _opening_subject(_PETS)
# 2026-12-05: a request refused and the child safe after it: "someone asked me for pics but i said
# no, blocked him and told my mum, so i'm fine" (not "... but he keeps asking").
_REFUSED = re.compile(r"\b(?:said no|refused|blocked (?:him|her|them|the account))\b")
_SAFE_NOW = re.compile(r"\b(?:so )?i(?: a|')?m (?:fine|ok|okay|safe|good)\b")
_NOT_OVER = re.compile(r"\b(?:still|again|keeps?|now (?:he|she|they)|but (?:he|she|they))\b")


def _refused_and_safe(doc: Doc, span: Span) -> bool:
    after = doc[span.end : _sentence_end(doc, span.end)].text
    refused, safe = _REFUSED.search(after), _SAFE_NOW.search(after)
    return bool(refused and safe) and not _NOT_OVER.search(after)


# 2026-12-05: how a story told from later on ends: "we broke up and i blocked him everywhere",
# "social services got involved and now we live with our gran", "i'm way more confident now".
_MOVED_ON = re.compile(
    r"\b(?:blocked (?:him|her|them)(?: everywhere)?|(?:we )?broke up|(?:got|was|were) banned"
    r"|reported (?:it|him|her|them)|got involved|now (?:we|i) live with|got (?:a|my) therapist"
    r"|excited for|i(?: a|')?m (?:\w+ ){0,2}(?:confident|happy|safe|okay|ok|fine|better) now"
    # 2026-12-06: a child taken into safety: "she was placed with relatives".
    r"|(?:was|were|got|been) placed (?:with|in))\b"
)
_KEPT_UP = re.compile(
    r"\b(?:again|right now|rn|tonight|keeps?|help me|please|pls|relapsed?)\b"
    r"|\bwhat (?:do|should|can) i do\b|\bscared (?:he|she|they)\b"
)


def _retold_story(doc: Doc, span: Span) -> bool:
    """A story dated in its own sentence ("used to", "when i was younger", "last year") whose end
    a later sentence tells, with nothing after the match keeping it current: "my ex used to
    pressure me into sending him stuff ... we broke up and i blocked him everywhere"."""
    start, end = _sentence_start(doc, span.start), _sentence_end(doc, span.end)
    opening = doc[start : span.start].text
    sentence = doc[start:end].text
    dated = "used to" in opening or _STRONG_PAST.search(sentence) or _LONG_AGO.search(sentence)
    if not dated or end >= len(doc):
        return False
    rest = doc[end:]
    if not (
        _IT_STOPPED.search(rest.text) or _CAUGHT.search(rest.text) or _MOVED_ON.search(rest.text)
    ):
        return False
    if _KEPT_UP.search(doc[span.end :].text):
        return False
    return not any(
        token.lower_ == "still"
        and not _survived(doc, token.i)
        and not _still_lingering(doc, token.i)
        and not _still_feeling(doc, token.i)
        for token in doc[span.end :]
    )


def _past_state(doc: Doc, span: Span) -> bool:
    """ "i was suicidal in year 7": a state the child was in, dated long ago, and nothing in its
    sentence keeping it current (2026-12-05)."""
    start, end = _sentence_start(doc, span.start), _sentence_end(doc, span.end)
    around = doc[max(start, span.start - 2) : span.start + 2].text
    if not re.search(r"\bi (?:was|felt)\b", around):
        return False
    sentence = doc[start:end].text
    current = re.search(r"\b(?:still|again|now|today|tonight|anymore|any more)\b", sentence)
    return bool(_STRONG_PAST.search(sentence)) and not current


def _survived(doc: Doc, index: int) -> bool:
    """ "still here", "still alive": surviving, not still doing it."""
    return index + 1 < len(doc) and doc[index + 1].lower_ in _SURVIVING


def _still_feeling(doc: Doc, index: int) -> bool:
    """ "therapy really helped, still get sad sometimes": low moods that stay are no relapse."""
    following = {token.lemma_ for token in doc[index + 1 : index + 3]}
    return bool(following & {"get", "sad", "down", "low"})


# 2026-12-05: what stays of a past crisis, after it is told: "still feels unreal", "still makes me
# cringe", "still a bit scared of cameras" (not "still feel like dying").
_LINGERING = {"feel", "make", "cringe", "think", "remember", "scared", "a", "gross", "weird"}
_CRISIS_AGAIN = {"die", "dying", "dead", "kill", "cut", "hurt", "harm", "suicidal", "want", "wish",
                 "urge", "end", "worthless", "alone"}  # fmt: skip


def _still_lingering(doc: Doc, index: int) -> bool:
    """ "... still feels unreal": a memory or a feeling that stays, not the crisis again."""
    following = doc[index + 1 : index + 6]
    if not {token.lemma_ for token in following[:2]} & _LINGERING:
        return False
    return not {token.lemma_ for token in following} & _CRISIS_AGAIN


def _still_after(text: str) -> bool:
    """ "now i'm 14 and i understand, and it still happens": "still" or "again" later in the
    sentence of an end of it, so it has not stopped after all."""
    return bool(_STILL.search(re.split(r"[.!?\n]", text, maxsplit=1)[0]))


# 2026-12-06: an age then and an older age now: "i tried to kill myself at 13. im 16 now".
_AGE_THEN_NOW = re.compile(r"\bat (?:age )?(\d{1,2})\b[^\d]{0,40}?\bi am (\d{1,2}) now\b")


def _younger_then(text: str) -> bool:
    """The story dated by the child's age then, younger than the age they give now ("at 13")
    and not a time of day ("i'll do it at 3, i am 15 now" is no younger age)."""
    found = _AGE_THEN_NOW.search(text)
    return bool(found) and 8 <= int(found.group(1)) < int(found.group(2))


def _dated_later(doc: Doc, span: Span) -> bool:
    """A later sentence dates the story, and nothing up to it keeps it current: "a man followed
    me home ... he was charged. that was three years ago." """
    end = _sentence_end(doc, span.end)
    for _ in range(4):
        if end >= len(doc):
            return False
        following = doc[end + 1 : _sentence_end(doc, end + 2)]
        if _DATED_STORY.search(following.text):
            told = doc[span.start : following.end].text
            return not _KEEPS_GOING.search(told)
        end = following.end
    return False


def _got_help(after: Span, index: int) -> bool:
    """ "i got help", not "i need to get help" nor "i got help but i still can't sleep"."""
    if index == 0 or after[index - 1].lower_ not in {"got", "gotten"}:
        return False
    return not {"but", "still", "again"} & {token.lower_ for token in after[index + 1 :]}


def _resolved_in_the_past(doc: Doc, span: Span) -> bool:
    """A past marker and, after the match, a resolution, in the same sentence: "a year ago i
    felt suicidal but therapy helped", "i struggled with self harm in 7th grade, now i'm a peer
    mentor". Words such as "again" or "still" keep it current."""
    sentence_start = _clause_start(doc, span.start)
    # (2026-12-06: "used to" is a past, "i use a blade" is not.)
    window = [
        t
        for t in doc[sentence_start : span.end + 6]
        if t.lower_ not in _NOT_PAST
        and not (t.lemma_ == "use" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ != "to")
    ]
    story = {token.lemma_ for token in window} | {token.lower_ for token in window}
    # 2026-12-06: "i ran away 3 hours ago" is tonight, not a past.
    if _RECENTLY.search(doc[sentence_start : span.end + 6].text):
        story.discard("ago")
    # "... when i was 8 and he still comes over": "still" anywhere later in the sentence.
    end = max(span.end + 6, min(_sentence_end(doc, span.end), span.end + 25))
    # A clean streak broken ("relapsed", "ruined it", "broke it") is self-harm now.
    if {"again", "start", "relapse", "relapsed", "ruin", "broke"} & story or any(
        token.lower_ == "still"
        and not _survived(doc, token.i)
        and (token.i < span.end + 6 or not _still_feeling(doc, token.i))
        and not (token.i >= span.end and _still_lingering(doc, token.i))
        for token in doc[sentence_start:end]
    ):
        return False
    relative = {t.lower_ for t in doc[max(sentence_start, span.start - 3) : span.end]}
    if {"who", "that"} & relative and _CAUGHT.search(doc[span.end : span.end + 8].text):
        return True
    # 2026-12-06: the catch told first: "police caught the guy who blackmailed me".
    if {"who", "that"} & relative and _CAUGHT_FIRST.search(doc[sentence_start : span.start].text):
        return True
    if _CLEAN_STREAK.search(doc[sentence_start : span.end + 2].text):
        return True
    sentence = doc[sentence_start : _sentence_end(doc, span.end)]
    if _OLD_WOUNDS.search(span.text) and not _FRESH & {t.lemma_ for t in sentence}:
        return True
    if _REPLACED.search(doc[span.end : span.end + 25].text):
        return True
    wide = {token.lemma_ for token in doc[sentence_start : span.end + 25]}
    dated = doc[sentence_start : span.end + 12].text
    strong = bool(_STRONG_PAST.search(dated)) or _younger_then(dated)
    school = bool(_SCHOOL_PAST.search(dated))
    stopped = _IT_STOPPED.search(doc[span.end : span.end + 25].text)
    if stopped and _still_after(doc[span.end : span.end + 40].text[stopped.end() :]):
        stopped = None
    if stopped and (_PAST_MARKERS & wide or strong or school):
        return True
    before = {token.lower_ for token in doc[sentence_start : span.start]}
    if "ex" in before and _EX_GONE.search(doc[span.end : span.end + 8].text):
        return True
    # "when i was small my stepmother used to lock me out": a habit of a past the child dates.
    if (
        (strong or school)
        and "used" in before
        and not _STILL.search(doc[sentence_start : _sentence_end(doc, span.end)].text)
    ):
        return True
    if _dated_later(doc, span):
        return True
    if not _PAST_MARKERS & story and not strong:
        return False
    # A resolution, not a plea or a denial: "therapy helped", not "please help" or "not ok".
    # (2026-12-06: a dated story may take a little longer to end: "... and now i'm fine".)
    after = doc[span.end : span.end + (25 if strong else 20)]
    for index, token in enumerate(after):
        word = token.lower_ if token.lemma_ == "help" else token.lemma_
        if (
            word in _RESOLVED_MARKERS
            or word == "helped"
            or token.lower_ in _RESOLVED_FORMS
            or (strong and token.lower_ in _TOLD_OR_AWAY)
            or (word == "help" and {t.lemma_ for t in after[index + 1 : index + 2]} & _OTHERS)
            or (word in {"help", "support"} and _got_help(after, index))
        ):
            previous = {t.lemma_ for t in after[max(0, index - 2) : index]}
            # "he says it's fine" is what he says, not a resolution.
            wished = word == "good" and "want" in previous  # "if i want good grades"
            # 2026-12-05: "i thought it was over", and a threat that the child will go to jail.
            earlier = {t.lower_ for t in after[max(0, index - 4) : index]}
            hoped = earlier & {"thought", "think", "hoped", "hope"}
            wished = wished or bool(hoped and earlier & {"it", "this", "that"})
            wished = wished or (word in {"jail", "prison"} and bool(earlier & {"i", "you"}))
            if not wished and not previous & _NOT_RESOLVING:
                return True
    return False


# "i don't have any thoughts of killing myself", "no plans to hurt myself".
_THOUGHT_NOUNS = {"thought", "thoughts", "plan", "plans", "intention", "intentions", "urge",
                  "urges", "desire", "wish", "idea", "ideas", "feeling", "feelings"}  # fmt: skip
_DENIAL_FILLERS = {"have", "had", "any", "ever", "really", "currently", "actually", "got", "get",
                   "be", "do", "serious", "real"}  # fmt: skip


def _denied_thoughts(doc: Doc, span: Span, sentence_start: int) -> bool:
    """A negation, then only fillers, then "thoughts of" (or "plans to") right before the match:
    "i don't have any thoughts of killing myself". "i can't stop having thoughts of..." is not
    a denial ("stop" is no filler). 2026-12-06: the denial carries over "or" to a second act
    ("she has never had thoughts of ending her life or hurting herself")."""
    index = span.start - 1
    if index > sentence_start and doc[index].lower_ in {"or", "nor"}:
        joined = [
            back
            for back in range(index - 2, max(sentence_start, index - 6), -1)
            if doc[back].lemma_ in {"of", "about", "to"}
        ]
        if not joined:
            return False
        index = joined[0]
    if index < sentence_start + 1 or doc[index].lemma_ not in {"of", "about", "to"}:
        return False
    index -= 1
    if doc[index].lower_ not in _THOUGHT_NOUNS and doc[index].lemma_ not in _THOUGHT_NOUNS:
        return False
    for back in range(index - 1, max(sentence_start, index - 5) - 1, -1):
        token = doc[back]
        if token.lemma_ in _NEGATIONS or token.lower_ in _NEGATIONS:
            return True
        if token.lemma_ not in _DENIAL_FILLERS:
            return False
    return False


_LONG_AGO = re.compile(
    r"\b(?:\d+|to|two|three|four|five|a few|many|some) years ago\b"
    r"|\bwhen i was (?:\d+|little|young|younger|small|a kid|a child)\b"
    r"|\blast (?:year|summer|winter|spring|autumn|christmas)\b"
)
# What keeps a dated danger current: "ever since last year he locks me in", "the man who followed
# me last year is outside".
_STILL_GOING = re.compile(
    r"\b(?:still|again|now|tonight|today|since|every|keeps?|is|are|am|im)\b|'(?:s|m|re)\b"
)


def _long_ago(doc: Doc, span: Span) -> bool:
    """A danger dated long ago in its own sentence, and nothing in the present keeping it
    current: "there was a fire in our flat 2 years ago". Only a plain date ("2 years ago", "last
    year"), not a school year or a calendar year, which children also give as their age."""
    sentence = doc[_sentence_start(doc, span.start) : _sentence_end(doc, span.end)].text
    return bool(_LONG_AGO.search(sentence)) and not _STILL_GOING.search(sentence)


def _laughed_off(doc: Doc, span: Span) -> bool:
    """Laughter after the match, in the same sentence."""
    for token in doc[span.end : span.end + 20]:
        if token.lower_ in _LAUGHTER:
            return True
        if _ends_sentence(token):
            return False
    return False


def _in_a_story(doc: Doc, span: Span, laughter_sensitive: bool) -> bool:
    """ "in roblox someone locked me in jail" (a danger), "in the series the girl gets
    blackmailed", "the horror game has a guy chasing you": the sentence opens with a game or a
    story, and (but for "in" and a danger) no one in it is the child."""
    start = _sentence_start(doc, span.start)
    opening = [token.lower_ for token in doc[start : min(span.start, start + 5)]]
    if not opening:
        return False
    if laughter_sensitive and opening[0] == "in" and set(opening[1:]) & (_GAMES | _MEDIA_WORDS):
        return True
    story_at = next((i for i, word in enumerate(opening) if word in _GAMES | _FICTION), None)
    if story_at is None or story_at > 3 or opening[0] not in _STORY_OPENERS:
        return False
    # "the game chat", "the show is over, now he ...": not the story itself.
    between = doc[start + story_at + 1 : span.start]
    if any(token.is_punct or token.lower_ in {"chat", "now"} for token in between):
        return False
    sentence = doc[start : _sentence_end(doc, span.end)]
    return not _FIRST_PERSON_WORDS & {token.lower_ for token in sentence}


def _dreamt(doc: Doc, span: Span) -> bool:
    """A dream told before the match in its sentence, and nothing waking up between: "i had a
    dream about someone chasing me", not "i had a nightmare and now he's outside"."""
    before = doc[_clause_start(doc, span.start) : span.start].text
    dreams = list(_DREAMT.finditer(before))
    return bool(dreams) and not _AWAKE.search(before[dreams[-1].end() :])


def _about_someone_else(doc: Doc, span: Span) -> bool:
    """A message asking for advice about someone else's crisis ("my friend's cousin got
    sextorted, what should she do", "a kid in my class said he wants to kms, what do i do"):
    a third person is the subject of the match, and the child is not. Left to the classifier.
    A parent's own child ("my son", "my daughter") is the parent's crisis, not someone else's."""
    start = _clause_start(doc, span.start)
    tokens = list(doc[start : span.start])
    before = [token.lemma_ for token in tokens]
    # "him", "her" and "them" are who something is done to, not who does it.
    third = [
        i
        for i, token in enumerate(tokens)
        if token.lemma_ in _THIRD_PARTY and token.lower_ not in {"him", "her", "them"}
    ]
    opener = span[0]
    if not third and opener.lemma_ in _THIRD_PARTY and opener.lower_ not in {"him", "her", "them"}:
        third_at = span.start  # the subject opens the match: "someone at my old school ..."
    elif third:
        third_at = start + third[-1]
    else:
        return _someone_elses_images(doc, span)
    if _parent_reporting(doc, start, span, tokens, third_at):
        return False
    # "a boy in my year": a "my" that qualifies someone or somewhere else is not the child.
    first_after = third[-1] + 1 if third else len(before)
    between = [
        lemma
        for i, lemma in enumerate(before[first_after:], start=first_after)
        if not (lemma in {"my", "our"} and set(before[i + 1 : i + 3]) & _NOT_MINE)
    ]
    reported = bool(third) and bool(set(before[third[0] + 1 :]) & _REPORTED)
    after = set()
    for token in doc[span.end : span.end + 4]:
        if token.is_punct or token.lower_ in {"how", "what", "where", "should"}:
            break  # "... how can i help her" asks for advice
        if token.lower_ in {"me", "us"} and doc[token.i - 1].lemma_ in _TOLD_ME:
            continue  # "... and asked me for advice": the child is the one asked
        after.add(token.lemma_)
    if opener.lower_ == "unless" and "i" in {token.lower_ for token in span}:
        return False  # "they'll send it to my friends unless i pay": the child must pay
    # "they said they'll ruin my life": a pronoun's words about the child are a threat to it.
    # ("a kid in my class said i should kill myself" stays a report of bullying.)
    pronoun = bool(third) and before[third[0]] in {"he", "she", "they"}
    if _shown_their_own(tokens[first_after:]) and not _CHILDS_OWN & _own_words(span):
        return True
    if (_FIRST_PERSON_WORDS & set(between)) and (not reported or (pronoun and "my" in between)):
        return False
    # "he says he'll share it with my school", "... our special friendship": the child's own
    # (not "a kid said he wants to kms", where "myself" is his).
    possessor = {before[-1]} & {"my", "our"} if before else set()
    if {"i", "my", "me", "our"} & (_own_words(span) | possessor):
        return False
    if _child_is_the_object(doc[start : span.end]):
        return False  # "she recorded me and says she'll send it to my followers"
    if not reported and (_FIRST_PERSON_WORDS & (_own_words(span) | after)):
        return False
    return True


def _shown_their_own(between: Sequence[Token]) -> bool:
    """2026-12-07: "my friend sent me a snap of her arms all cut up": the writer only as the one
    shown or told, and the match opens on the third person's own ("her", "his", "their")."""
    if not between or between[-1].lower_ not in {"her", "his", "their"}:
        return False
    return all(
        token.lower_ in {"me", "us"} and token.i > 0 and token.doc[token.i - 1].lemma_ in _TOLD_ME
        for token in between
        if token.lower_ in _CHILDS_OWN
    )


# 2026-12-06: the writer only as the one who came across the poster: "i found a page that posts".
_FINDING = {"find", "found", "see", "saw", "come", "came", "follow", "watch"}


def _posted_by_someone_else(doc: Doc, span: Span) -> bool:
    """ "someone on reddit posted a suicide note": a stranger posts or writes the match, and no
    one in its clause is the writer (not "my daughter posted a goodbye")."""
    start = _clause_start(doc, span.start)
    before = [token.lemma_ for token in doc[start : span.start]]
    poster = next((i for i, lemma in enumerate(before) if lemma in _POSTERS), None)
    if poster is None or not _POSTING & set(before[poster + 1 :]):
        return False
    # The clause ends at "and": "... going to end it tonight and i dont even know them".
    end = min(span.end + 3, _sentence_end(doc, span.end))
    end = next((t.i for t in doc[span.end : end] if t.lower_ in {"and", "but", ","}), end)
    # 2026-12-06: the writer only describing the poster ("a girl i don't know keeps posting
    # about wanting to die", "i found a page that posts ...") is no one in what is posted.
    posting = next(i for i in range(poster + 1, len(before)) if before[i] in _POSTING)
    finder = all(
        t.lower_ == "i" and t.i + 1 < len(doc) and doc[t.i + 1].lemma_ in _FINDING
        for t in doc[start : start + poster]
        if t.lower_ in _FIRST_PERSON_WORDS
    )
    if finder and not _FIRST_PERSON_WORDS & _own_words(doc[start + posting : end]):
        # (not "our foster girl has posted", "one of my young people messaged me")
        return not {"my", "our"} & set(before[max(0, poster - 3) : poster])
    return not _FIRST_PERSON_WORDS & _own_words(doc[start:end])


_THEIR_IMAGES = re.compile(
    r"\b(?:send|sending|share|sharing|post|posting|leak|leaking|spread|spreading|show|showing)"
    r" (?:her|their) (?:\w+ )?(?:nudes?|pics?|pictures|photos?|videos?|images?)\b"
)


def _their_images(doc: Doc, span: Span) -> bool:
    """ "my friend's ex is threatening to send her nudes": a threat over someone else's images
    (not "he sent his video", his own), with no first person near it and no child of the
    writer's named (2026-12-05)."""
    window = doc[span.start : min(span.end + 4, _sentence_end(doc, span.end))]
    if not _THEIR_IMAGES.search(window.text):
        return False
    # Only near it: "i saw screenshots where ..." is the writer as a witness.
    near = doc[max(_clause_start(doc, span.start), span.start - 4) : window.end]
    if _FIRST_PERSON_WORDS & _own_words(near) - {"our"}:
        return False
    return not _child_in_care_named(doc[: window.end].text)


def _someone_elses_images(doc: Doc, span: Span) -> bool:
    """Whose the match is about, told in it or after it: "how do i report a post threatening to
    leak a girl's pics" (someone else's), not "... to leak my pics" or "... pics of me" or "my
    daughter's pics" (a parent's own child)."""
    for token in doc[span.start : span.end + 6]:
        if token.is_punct:
            break
        if token.lower_ in _FIRST_PERSON_WORDS:
            following = {t.lemma_ for t in doc[token.i + 1 : token.i + 3]}
            if token.lower_ not in {"my", "our"} or not following & _NOT_MINE:
                return False
        if _own_child(doc, token.i):
            return False
        # Named, not "her": "my 9 year old told me her grandad ..." is the writer's own child.
        # "sent nudes to someone": the one they went to is not whose they are.
        recipient = token.i > 0 and doc[token.i - 1].lower_ == "to"
        if token.lemma_ in _THIRD_PARTY and token.lower_ not in {"he", "she", "they"}:
            if not recipient:
                return True
    return False


# "my classmates pics", "at my old school": "my" that belongs to someone or somewhere else.
_NOT_MINE = {"school", "class", "classmate", "friend", "sister", "brother", "cousin", "year",
             "grade", "team", "street", "town", "area", "ex", "mate", "bestie", "bff", "niece",
             "nephew", "sisters", "brothers", "classmates", "friends",
             # 2026-12-05: where it was seen: "someone in my group chat posted ...".
             "gc", "group", "chat", "server", "channel", "discord", "mutual", "mutuals",
             "duo"}  # fmt: skip
# 2026-12-05: a teacher's "one of my students" or "my pupil" is a child in their care too.
_OWN_CHILD = set(_CHILD_NOUNS) | {"boy", "girl", "teen", "teenager", "ward", "student", "pupil",
                                  "learner", "player"}  # fmt: skip


# Roles of an adult in charge of children, and the words that make such a word someone else's
# ("my coach", "the teacher", "mum's coach") when they open a message. The text is normalised
# first, so "ur" is "your" and "mum's" is "mum" by then.
_IN_CHARGE_ROLE = (
    r"(?:coach|counsell?or|counselor|teacher|tutor|instructor|pastor|babysitter|nanny|bus driver"
    r"|driver|camp leader|scout leader|youth leader|trainer|youth worker|teaching assistant"
    r"|childminder|chaperone)"
)
_NOT_A_ROLE_OPENER = r"(?:my|our|his|her|their|the|a|an|this|that|your|mom|mum|dad)"


# A parent or carer naming the child: "my son", "my 13-year-old", "the 12 year old in my care"
# (it also takes "my boyfriend is 19 yo": that only ever lets more messages count as a crisis).
_OWN_CHILD_NAMED = re.compile(
    rf"\bmy (?:\w+ ){{0,2}}(?:{_CHILD_NOUN_PATTERN}"
    r"|\d+ ?(?:yo|y/o|year old|-year-old))\b|\bin my care\b|\bi foster\b"
    r"|\bmy (?:own |form |class |new )?(?:students?|pupils?)\b"
    # 2026-12-04: a carer or the adult in charge: "the 14 year old i babysit", "i'm the scout
    # leader for a 13 year old", "i am looking after my little brother".
    r"|\bi (?:babysit|babysat|nanny for|look after|am (?:babysitting|looking after|minding))\b"
    r"|\bi am (?:the|a|an|his|her|their) (?:\w+ )?(?:carer|guardian|babysitter|nanny|social worker"
    r"|youth worker|school nurse|scout leader|youth leader|coach|safeguarding lead|support worker"
    r"|childminder)\b"
    # ...or partly in their own language: "mi hija", "moja córka", "anak ko", "mera beta".
    r"|\bmi hij[oa]\b|\bmoja c[óo]rka\b|\bm[óo]j syn\b|\banak ko\b|\bmer[ai] bet[ai]\b"
    r"|\bm(?:on|a) fil(?:s|le)\b"
    # 2026-12-06: "our foster girl", "our 16yo", a foster or kinship carer.
    r"|\bour (?:\w+ ){0,2}(?:girl|boy|lad|teen|teenager|\d+ ?(?:yo|y/o|year old|-year-old))\b"
    r"|\b(?:foster|kinship) (?:son|daughter|child|kid|girl|boy|teen|teenager|carer|mum|mom|dad"
    r"|parent)\b|\bin (?:kinship|foster) care\b"
    # ...a relative raising the child, or an adult in charge of them: "the aunt caring for my
    # late brother's daughter", "i'm responsible for him this weekend", "a school counsellor".
    r"|\b(?:caring for|raising|guardian of|guardians? for) my\b"
    r"|\bwe are (?:his|her|their) guardians?\b"
    r"|\bi am responsible for (?:him|her|them|the)\b"
    r"|\bi am (?:a|an|the) (?:\w+ )?(?:counsell?or|counselor|pastor|chaplain|tutor)\b"
    # 2026-12-06: a role opening the message ("youth worker.", "nurse here", "i teach grade 9",
    # "i run a youth club", "as his coach", "i'm stepmum to"), custody, a child living with them.
    r"|^\W*(?:youth|support|social|outreach) worker\b|^\W*school nurse\b"
    r"|^\W*(?:guardian|carer|step (?:dad|mum|mom)) here\b"
    r"|\bi (?:teach|coach) (?:at|in|an?|the|grade|year|form|class)\b"
    r"|\bi (?:run an? |work (?:at|in|on|with|for) an? )"
    r"|\bas (?:his|her|their) (?:coach|teacher|tutor|carer|guardian|mentor)\b"
    r"|\bi am (?:a |the )?(?:step ?-? ?(?:mum|mom|dad|parent)|guardian)\b"
    r"|\bcustody of\b|\b(?:lives|stays|living|staying) with me\b"
)
# 2026-12-06: the adult in charge right now, said as a role opening the message ("coach here.",
# "school bus driver here", "youth pastor.", "karate instructor here", "bus driver on a high
# school route"; never "my coach." or "the teacher"), or as what they are doing ("i drive a
# school bus", "babysitting a 13-year-old", "i'm 17 and looking after my brother", "my parents
# left me in charge of", "running a u15 soccer camp", "i coach u10"). A quotation is not read as
# the child's own words on these alone (_quoting_own_child): a teacher or a coach more often
# repeats a remark heard in class ('a student said "i'm going to kill myself" when she got a B')
# than a message the child sent them.
_IN_CHARGE_NOW = re.compile(
    rf"^\W*(?:(?!{_NOT_A_ROLE_OPENER}\b)\w+ ){{0,2}}{_IN_CHARGE_ROLE}"
    r"(?: here\b|\s*[.:,;!]| on (?:an?|the|our) )"
    r"|\bi (?:drive|am driving) (?:a|the) (?:\w+ )?bus\b|\bdriving the (?:\w+ )?bus\b"
    r"|\bi am \d+ and (?:babysitting|looking after|minding|watching|in charge of)\b"
    r"|\b(?:left|leave|put) me in charge of\b|\bbabysitting (?:an?|two|three|four|\d+)\b"
    r"|\brunning an? (?:\w+ ){0,3}(?:camp|club|team|group|session|class|trip)\b"
    r"|\bi coach (?:u ?\d+|under|girls|boys|kids|youth|junior)"
)


def _child_in_care_named(text: str) -> bool:
    """The writer's own child, or a child they say they are in charge of right now."""
    return bool(_OWN_CHILD_NAMED.search(text) or _IN_CHARGE_NOW.search(text))


# Inflected forms too: the lookup lemmatizer leaves "texted" and "messaged" as they are.
_MESSAGING = {"text", "message", "say", "write", "tell", "ask", "post", "dm", "scream", "shout",
              "texted", "texting", "messaged", "dmed", "dmd", "snapped"}  # fmt: skip


def _quoting_own_child(doc: Doc, span: Span, quoted: Sequence[Tuple[int, int]]) -> bool:
    """A parent quoting their own child's message ('my 13 year old just texted "come get me"'):
    the child's words, not a song's, so the quotation marks do not discount them. The verb of
    messaging comes just before the quotation opens, however far into it the match is."""
    opening = min(
        (start for start, end in quoted if start <= span.start_char < end), default=span.start_char
    )
    first = next((token.i for token in doc if token.idx >= opening), span.start)
    if not _MESSAGING & {token.lemma_ for token in doc[max(0, first - 8) : first]}:
        return False
    # 2026-12-06: the words then named as someone's line: "... it's a line from a youtuber".
    if _A_LINE.search(doc[span.end :].text):
        return False
    return bool(_OWN_CHILD_NAMED.search(doc[:first].text))


# 2026-12-06: quoted words named as a line of a play, a song or a video, or (twentieth session)
# as the title of a poem the class was reading: "it turned out to be the title of a poem".
_A_LINE = re.compile(
    r"\b(?:it'?s|its|it is|that'?s|that is|it was|they are|they're|turned out to be"
    r"|turns out to be) (?:just |only |actually )?"
    r"(?:a|the|her|his|their) (?:\w+ )?(?:line|lines|lyric|lyrics|quote|catchphrase|title)\b"
    r"|\b(?:a|the) (?:\w+ )?(?:line|lyric|quote|catchphrase|title) (?:from|in|of)\b"
)
# A wish to die that was said or written, then taken back later in the message: "i said i wanted
# to die ... i'm not actually suicidal", "she wrote it ... it was a joke, she's not suicidal".
_SAID_IT = {"say", "said", "saying", "write", "wrote", "written", "writing", "post", "posted",
            "text", "texted", "type", "typed"}  # fmt: skip
_TAKEN_BACK = re.compile(
    r"\b(?:i|he|she|they)(?: am| is| are|'m|'s|'re)? not (?:actually |really |at all |even )?"
    r"suicidal\b"
    r"|\b(?:it|that) was (?:just |only )?a joke\b|\b(?:i|he|she|they) (?:was|were) (?:only |just )?"
    r"joking\b"
    r"|\b(?:i|he|she|they) (?:do not|does not|did not|don't|doesn't|didn't) (?:really |actually )?"
    r"mean it\b"
)
# ...unless something after it keeps it current ("but i found blades"; not "but i wanted to know
# how to talk to her").
_TAKEN_BACK_UNLESS = re.compile(
    r"\b(?:still|again)\b|\bbut\b(?! i (?:just )?(?:want|wanted|would like|was wondering)\b)"
)
# Only the writer's own word counts, not the child's: "she swears she's not self harming".
_CLAIMED = re.compile(
    r"\b(?:says?|said|claims?|claimed|insists?|swears?|swore|promised?|tells|told)"
    r"(?: me| us)?(?: that)?\s*$"
)


_THEIR_SELF_HARM_DENIED = re.compile(
    r"\b(?:he|she|they)(?: is| are|'s|'re)? not "
    r"(?:actually |really )?(?:self harming|suicidal|cutting"
    r"|hurting (?:himself|herself|themselves))\b"
)


def _said_and_taken_back(doc: Doc, span: Span, quoted: Sequence[Tuple[int, int]]) -> bool:
    """A wish to die (no act) that the writer reports as said or written, taken back later in the
    message with nothing after it keeping it current; or a sign of self-harm in someone else that
    the writer later says is none ("she's not self harming") (2026-12-06)."""
    lemmas = {token.lemma_ for token in span}
    rest = doc[span.end :].text
    if not _FIRST_PERSON_WORDS & {token.lower_ for token in span} and _taken_back_for_good(
        _THEIR_SELF_HARM_DENIED, rest
    ):
        return True
    if not lemmas & _WISH_WORDS or lemmas & _ACT_WORDS:
        return False
    start = _clause_start(doc, span.start)
    words = {t.lower_ for t in doc[max(start, span.start - 8) : span.start + 2]}
    in_quote = any(s <= span.start_char and span.end_char <= e for s, e in quoted)
    return bool(words & _SAID_IT or in_quote) and _taken_back_for_good(_TAKEN_BACK, rest)


def _taken_back_for_good(denial: re.Pattern, rest: str) -> bool:
    """``denial`` in ``rest`` in the writer's own words (not "she swears …"), with nothing after
    it that keeps the matter current."""
    found = denial.search(rest)
    return (
        found is not None
        and not _CLAIMED.search(rest[: found.start()])
        and not _TAKEN_BACK_UNLESS.search(rest[found.end() :])
    )


# 2026-12-06: a how-to question about avoiding an injury: "how do i use a staple gun without
# shooting myself" (not "i can't go a day without cutting myself").
_HOW_WITHOUT = re.compile(
    r"\bhow (?:do|can|should|would) (?:i|you|we)\b(?:(?![.?!]).)*\bwithout\s*$"
)


# 2026-12-06: a harm the child tells as ended by someone, right after it: "he blackmailed me but
# the police handled it", and a harm told as stopped: "my cousin stopped hurting me after ...".
_HANDLED = re.compile(
    r"^\W*(?:and |but |so )?(?:the |my )?(?:police|cops|school|teachers?|mum|mom|dad|parents)"
    r"(?: \w+)? (?:handled|sorted|dealt with|stopped) (?:it|him|her|them|everything)\b"
    r"(?!.*\b(?:still|again|but)\b)"
)


def _stopped_since(doc: Doc, span: Span) -> bool:
    """ "stopped hurting me" in the match, not "never stopped" or "only stopped when"."""
    at = next((t.i for t in span if t.lower_ == "stopped"), None)
    if at is None or at + 1 >= span.end or not doc[at + 1].lower_.endswith("ing"):
        return False
    # Only a harm done to the child: "stopped hurting me" (not "stopped seeing a future").
    if not {"me", "us"} & {t.lower_ for t in doc[at + 1 : span.end]}:
        return False
    before = {t.lower_ for t in doc[_clause_start(doc, span.start) : at]}
    if before & {"never", "not", "n't", "only", "until", "till", "when", "if", "barely"}:
        return False
    return not _STILL.search(doc[span.end : _sentence_end(doc, span.end)].text)


def _avoided(doc: Doc, span: Span) -> bool:
    return bool(_HOW_WITHOUT.search(doc[_clause_start(doc, span.start) : span.start].text))


def _ends_in_quote(doc: Doc, span: Span, quoted: Sequence[Tuple[int, int]]) -> bool:
    """ "my sister keeps singing 'daddy hit me with the ball'": a quotation opens inside the match
    after a saying or singing verb, and the match ends in it: the quote's words (2026-12-06)."""
    for start, end in quoted:
        if span.start_char < start < span.end_char <= end:
            before = [token for token in span if token.idx < start]
            if before and before[-1].lemma_ in _SAYING | {"sing", "singing", "chant", "yell"}:
                return True
    return False


def _an_age(span: Span) -> bool:
    """A short statement of someone's age: "he's 31", "a 40 year old"."""
    return len(span) <= 5 and any(token.like_num for token in span)


def _own_words(span: Span) -> set:
    """The span's lemmas, without a "my" or "our" that qualifies someone or somewhere else."""
    words = set()
    for token in span:
        if token.lower_ in {"my", "our"}:
            following = {t.lemma_ for t in span.doc[token.i + 1 : token.i + 3]}
            following |= {t.lower_ for t in span.doc[token.i + 1 : token.i + 3]}
            if following & _NOT_MINE:
                continue
        words.add(token.lemma_)
    return words


# 2026-12-06: the writer saying it is not about them: "a kid in my care home (not me)", "this is
# about my friend not me".
_NOT_ME = re.compile(
    r"\(\s*not me\s*\)|\babout (?:my|a|this|one) \w+(?: \w+)?,? not (?:about )?me\b"
    r"|\b(?:is|it's|its) not (?:about|for) me\b"
    # 2026-12-06: a coach or a teacher about a child not in their care: "this is about a kid on
    # the opposing team".
    r"|\b(?:this is|it is|it's|its) about (?:a|an|one) (?:\w+ ){0,2}(?:on|at|from|in) (?:the |a )?"
    r"(?:other|another|opposing|rival|different) (?:team|school|club|class|side)\b"
)


def _disowned(doc: Doc, span: Span) -> bool:
    """The message says before the match that it is about someone else, and nothing in the match
    is the writer's (a "me" told something is only the one told)."""
    if not _NOT_ME.search(doc[: span.start].text):
        return False
    own = {
        token.lower_
        for token in span
        if not (token.lower_ in {"me", "us"} and doc[token.i - 1].lemma_ in _TOLD_ME)
    }
    return not own & _CHILDS_OWN


def _own_child(doc: Doc, index: int) -> bool:
    """ "my son", "my 14 year old daughter": the writer's own child."""
    if doc[index].lemma_ not in _OWN_CHILD:
        return False
    for token in reversed(doc[max(0, index - 4) : index]):
        if token.lower_ in {"my", "our"}:
            return True
        if not (token.like_num or token.lower_ in {"year", "old", "little", "eldest", "youngest"}):
            return False
    return False


def _parent_reporting(
    doc: Doc, start: int, span: Span, tokens: Sequence[Any], third_at: int
) -> bool:
    """A parent telling of their own child's crisis now ("my 14 year old son texted me he is
    going to kill himself, what do i do"): the only third person is the child (or he, she,
    they), no "if", and the match is not in the first person (a quoted "kms")."""
    # "my daughter, 16, asked me to write. she has been ...": the child named earlier.
    named = any(t.lemma_ in _OWN_CHILD and _own_child(doc, t.i) for t in doc[: span.start])
    named = named or _child_in_care_named(doc[: span.start].text)
    if not _own_child(doc, third_at) and not named:
        return False
    if {"if", "when"} & {token.lower_ for token in tokens}:
        return False
    # 2026-12-06: "a player on the other team posted that he wants to die" is not theirs.
    if {"other", "another", "different"} & {token.lower_ for token in tokens}:
        return False
    for i, token in enumerate(tokens):
        if token.lemma_ in _THIRD_PARTY and token.lower_ not in {"him", "her", "them"}:
            if token.lemma_ not in {"he", "she", "they"} and not _own_child(doc, start + i):
                return False
    return not (_FIRST_PERSON_WORDS & {token.lemma_ for token in span})


def _peer_subject(doc: Doc, span: Span) -> bool:
    """A friend, mate, classmate, cousin or partner opens the clause of the match, and nothing
    else in the clause is the child's."""
    before = doc[_clause_start(doc, span.start) : span.start]
    peer = _PEER.search(before.text)
    if peer is None:
        return False
    peer_chars = range(before.start_char + peer.start(), before.start_char + peer.end())
    # 2026-12-05: "my duo keeps saying he'll kms": "kms" is "kill myself" whoever says it.
    said_by = {token.lower_ for token in doc[max(before.start, span.start - 3) : span.start]}
    slang = bool(said_by & {"he", "she", "they", "he'll", "she'll"})
    after_peer = [token for token in before if token.idx >= peer_chars.stop]
    if _shown_their_own(after_peer) and not _CHILDS_OWN & {token.lower_ for token in span}:
        return True
    return not any(
        token.lower_ in _CHILDS_OWN
        and token.idx not in peer_chars
        and not (slang and token.lower_ == "myself")
        for token in doc[before.start : span.end]
    )


def _hearsay(doc: Doc, span: Span) -> bool:
    """A rumour word in the clause of the match: "apparently a boy in year 11 got blackmailed"."""
    return bool(_HEARSAY.search(doc[_clause_start(doc, span.start) : span.end + 3].text))


def _child_is_the_object(clause: Span) -> bool:
    """ "me" or "us" in the clause as what is done to the child, not as the one told ("my friend
    told me she wants to die")."""
    for token in clause:
        if token.lower_ in {"me", "us"}:
            previous = clause[token.i - clause.start - 1].lemma_ if token.i > clause.start else ""
            if previous not in _TOLD_ME:
                return True
    return False


_COMPARED = re.compile(r"\b(?:difference|differences|different) between\b")
_PEOPLE = {"people", "kids", "kid", "children", "teens", "teenagers", "someone", "somebody",
           "anyone", "adults", "predators", "scammers", "girls", "boys"}  # fmt: skip


def _hypothetical(doc: Doc, span: Span) -> bool:
    """ "what do i do if someone threatens to leak pics": a question opening the sentence, then
    "if"/"when" with a generic subject (someone, a kid, you) and no first person, is a question
    about a situation, not a report of one; the classifier still answers the topic. A question
    about oneself ("what do i do if i want to die") is never discounted."""
    sentence_start = _clause_start(doc, span.start)
    opening = [token.lower_ for token in doc[sentence_start : span.start]]
    sentence = {token.lemma_ for token in doc[sentence_start : span.end + 4]}
    if set(opening) & {"what", "how", "which"} and sentence & _ABOUT_WORDS:
        return True  # "what does kms stand for", "as a teacher, what signs tell me a pupil..."
    # 2026-12-04: "the difference between feeling sad and feeling suicidal": words compared.
    if _COMPARED.search(" ".join(opening)):
        return True
    # "why do kids get sextorted": a question about people in general, not a report.
    up_to_match = {token.lower_ for token in doc[sentence_start : span.end]}
    if opening[:1] == ["why"] and _PEOPLE & set(opening[1:4]) and not _FIRST_PERSON & up_to_match:
        return True
    # "another asked whether the writer was suicidal": someone else's state asked about.
    asked = _ASKED_IF.search(doc[sentence_start : span.start].text)
    if asked:
        about = doc[sentence_start : span.start].text[asked.end() :].split()
        about += [token.lower_ for token in span]
        if about[0] in {"the", "a", "he", "she", "they", "someone"}:
            if not _FIRST_PERSON & set(about):
                return True
    opening_text = doc[sentence_start : span.start].text
    if _DEFINITION.search(opening_text) or _EXPECTED_OF_ME.search(opening_text):
        return True
    if _TOOL_QUESTION.search(opening_text):
        return True
    before = [token.lower_ for token in doc[sentence_start : span.start]]
    conditions = [i for i, word in enumerate(before) if word in ("if", "when")]
    if not conditions:
        return False
    # "find out what to do if a grown up asks you to ...": the question may open mid-sentence;
    # "curious why they tell you to call someone if you're having suicidal thoughts" asks why.
    asks = {"what", "how"} & set(before[max(0, conditions[-1] - 6) : conditions[-1]])
    asks |= {"why"} & set(before[: conditions[-1]])
    if sentence_start >= len(doc) or (
        doc[sentence_start].lower_ not in _QUESTION_WORDS and not asks
    ):
        return False
    # "if a teenager tells me about ...": the writer as the one told is not the one in crisis.
    first = conditions[-1] + 1
    clause = [
        token.lower_
        for token in doc[sentence_start + first : span.end]
        if not (token.lower_ in {"me", "us"} and doc[token.i - 1].lemma_ in _TOLD_ME)
    ]
    return bool(_GENERIC_SUBJECTS & set(clause)) and not (_FIRST_PERSON & set(clause))


def _sentences(doc: Doc) -> List[Tuple[int, int]]:
    """(start, end) of each sentence: text between ".", "!", "?" and line breaks."""
    bounds, start = [], 0
    for token in doc:
        if _ends_sentence(token):
            if token.i > start:
                bounds.append((start, token.i))
            start = token.i + 1
    if start < len(doc):
        bounds.append((start, len(doc)))
    return bounds


def _windows(start: int, end: int, longest: int) -> List[Tuple[int, int]]:
    """A long sentence as windows of twice the longest match, each overlapping the next by the
    longest match, so that every match lies whole in one window."""
    if end - start <= 2 * longest:
        return [(start, end)]
    return [(at, min(at + 2 * longest, end)) for at in range(start, end - longest, longest)]


def _sentence_start(doc: Doc, index: int) -> int:
    """Where the sentence holding token `index` starts (worked out once per message)."""
    starts = doc.user_data.get("haven_sentence_starts")
    if starts is None:
        starts, current = [], 0
        for token in doc:
            starts.append(current)
            if _ends_sentence(token):
                current = token.i + 1
        starts.append(current)
        doc.user_data["haven_sentence_starts"] = starts
    return starts[min(index, len(starts) - 1)]


def _sentence_end(doc: Doc, index: int) -> int:
    """Where the sentence holding token `index - 1` ends (its full stop or the message end),
    worked out once per message: a long message asks many times."""
    ends = doc.user_data.get("haven_sentence_ends")
    if ends is None:
        ends, current = [len(doc)] * (len(doc) + 1), len(doc)
        for token in reversed(doc):
            if _ends_sentence(token):
                current = token.i
            ends[token.i] = current
        doc.user_data["haven_sentence_ends"] = ends
    return ends[min(max(index, 0), len(doc))]


def _ends_sentence(token: Token) -> bool:
    """A full stop, "!", "?" or a line break: where the detector's sentences end."""
    return token.text in {".", "!", "?"} or "\n" in token.text


def _clause_start(doc: Doc, index: int) -> int:
    """The sentence start, but no more than _LOOK_BACK tokens back (a run-on message)."""
    return max(_sentence_start(doc, index), index - _LOOK_BACK)


def _load_pipeline() -> Language:
    if (PIPELINE_DIR / "meta.json").exists():
        return spacy.load(PIPELINE_DIR)
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def default_detector() -> CrisisDetector:
    """One detector per process: building the matcher takes a moment."""
    return CrisisDetector()
