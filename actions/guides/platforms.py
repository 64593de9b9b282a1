"""Report-and-block guides per platform (``resources/platforms.yml``), each checked against the
platform's own help centre, and general steps for any platform we have no checked guide for.

Steps may carry ``translations: {zh-TW: {report_steps, block_steps}}``. A checked guide is only
translated from a help page in that language (menu names differ); until then a reader of
another language gets the translated general steps and the platform's help page."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Extra, validator

from actions.guides.sourced import Sourced, load_guide
from actions.paths import RESOURCES_DIR
from actions.texts.translated import Translatable, known_languages

PLATFORMS_FILE = RESOURCES_DIR / "platforms.yml"
MAX_STEP_LENGTH = 120


def _short_steps(steps: Optional[List[str]]) -> Optional[List[str]]:
    long = [step for step in steps or [] if len(step) > MAX_STEP_LENGTH]
    if long:
        raise ValueError(f"steps longer than {MAX_STEP_LENGTH} characters: {long}")
    return steps


_short = validator("report_steps", "block_steps", allow_reuse=True)(_short_steps)
_languages = validator("translations", allow_reuse=True)(known_languages)


class StepsWords(BaseModel):
    """Steps in another language (each list optional: a missing one stays in English)."""

    report_steps: Optional[List[str]] = None
    block_steps: Optional[List[str]] = None
    extra: Optional[List[str]] = None

    class Config:
        extra = Extra.forbid

    _short = _short


class Steps(BaseModel, Translatable):
    report_steps: List[str]
    block_steps: List[str]
    translations: Dict[str, StepsWords] = {}

    class Config:
        extra = Extra.forbid

    _short = _short
    _translations = _languages


class PlatformGuide(Sourced, Translatable):
    name: str
    aliases: List[str] = []
    report_steps: List[str]
    block_steps: List[str]
    extra: List[str] = []
    help_url: str
    translations: Dict[str, StepsWords] = {}

    _short = _short
    _translations = _languages

    def steps_in(self, language: str) -> bool:
        """Whether its checked steps read in this language (English always does)."""
        return all(self.has_translation(f, language) for f in ("report_steps", "block_steps"))

    @validator("help_url")
    def _help_url_is_https(cls, value: str) -> str:  # noqa: N805
        if not value.startswith("https://"):
            raise ValueError("must be an https URL")
        return value


class PlatformGuides(BaseModel):
    platforms: List[PlatformGuide]
    general: Steps
    unverified: List[Dict[str, Any]] = []

    class Config:
        extra = Extra.forbid

    def find(self, platform: Optional[str]) -> Optional[PlatformGuide]:
        """The checked guide for a platform name or alias, or None."""
        if not platform:
            return None
        key = platform.strip().casefold()
        for guide in self.platforms:
            if key == guide.name.casefold() or key in (a.casefold() for a in guide.aliases):
                return guide
        return None


@lru_cache(maxsize=4)
def load_platform_guides(path: Path = PLATFORMS_FILE) -> PlatformGuides:
    """The validated platform guides; cached for the action server."""
    return load_guide(path, PlatformGuides)
