"""Report-and-block guides per platform (``resources/platforms.yml``), each checked against the
platform's own help centre, and general steps for any platform we have no checked guide for."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Extra, validator

from actions.guides.sourced import Sourced, load_guide
from actions.paths import RESOURCES_DIR

PLATFORMS_FILE = RESOURCES_DIR / "platforms.yml"
MAX_STEP_LENGTH = 120


def _short_steps(steps: List[str]) -> List[str]:
    long = [step for step in steps if len(step) > MAX_STEP_LENGTH]
    if long:
        raise ValueError(f"steps longer than {MAX_STEP_LENGTH} characters: {long}")
    return steps


class Steps(BaseModel):
    report_steps: List[str]
    block_steps: List[str]

    class Config:
        extra = Extra.forbid

    _short = validator("report_steps", "block_steps", allow_reuse=True)(_short_steps)


class PlatformGuide(Sourced):
    name: str
    aliases: List[str] = []
    report_steps: List[str]
    block_steps: List[str]
    extra: List[str] = []
    help_url: str

    _short = validator("report_steps", "block_steps", allow_reuse=True)(_short_steps)

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
