"""Checks shared by every sourced fact (helplines, laws, platform guides): it names the official
page it was checked against, and the check date is real."""

from __future__ import annotations

import datetime as dt


def official_page(value: str) -> str:
    """The source must be a page a reviewer can open; some official pages are http only."""
    if not value.startswith(("https://", "http://")):
        raise ValueError("must be the URL of the official page checked")
    return value


def checked_in_the_past(value: dt.date) -> dt.date:
    """A check date in the future is a typo or a guess."""
    if value > dt.date.today():
        raise ValueError(f"{value} is in the future")
    return value
