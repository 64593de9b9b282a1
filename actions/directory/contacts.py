"""Loads the sourced emergency and helpline contacts (``resources/contacts.yml``).

Every entry must say where its number was checked and when: a number a child dials must never be
a guess. Loading fails loudly, naming the entry and field, so a bad edit never reaches users.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from actions.paths import RESOURCES_DIR

CONTACTS_FILE = RESOURCES_DIR / "contacts.yml"
INTERNATIONAL = "International"
KINDS = (
    "emergency",
    "child_helpline",
    "crisis_line",
    "runaway_shelter",
    "csam_report",
    "image_takedown",
    "parent_support",
    "directory",
)
_PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 \-]{1,18}[0-9]$|^[0-9]{3,4}$|^#[0-9]{4}$")


class ContactsError(ValueError):
    """A contacts file entry is missing a field or holds a value that cannot be right."""


@dataclass(frozen=True)
class Contact:
    """One sourced way to reach help."""

    id: str
    country: str
    kind: str
    name: str
    source: str
    checked: dt.date
    phone: Optional[str] = None
    sms: Optional[str] = None
    web: Optional[str] = None
    hours: Optional[str] = None
    free: Optional[bool] = None
    audience: Optional[str] = None
    note: Optional[str] = None
    local_name: Optional[str] = None
    evidence: Optional[str] = None


def _require(entry: Dict[str, Any], field: str, where: str) -> Any:
    value = entry.get(field)
    if value in (None, ""):
        raise ContactsError(f"{where}: field '{field}' is missing")
    return value


def _parse_entry(entry: Dict[str, Any], where: str, today: dt.date) -> Contact:
    contact_id = _require(entry, "id", where)
    where = f"{where} (id {contact_id})"
    for field in ("country", "name"):
        _require(entry, field, where)
    kind = _require(entry, "kind", where)
    if kind not in KINDS:
        raise ContactsError(f"{where}: field 'kind' is {kind!r}, expected one of {KINDS}")
    # Some official pages are only served over http; the page is what matters, not the scheme.
    source = str(_require(entry, "source", where))
    if not source.startswith(("https://", "http://")):
        raise ContactsError(f"{where}: field 'source' must be an http(s) URL")
    checked = _require(entry, "checked", where)
    if isinstance(checked, dt.datetime):
        checked = checked.date()
    if not isinstance(checked, dt.date):
        raise ContactsError(f"{where}: field 'checked' must be a date (YYYY-MM-DD)")
    if checked > today:
        raise ContactsError(f"{where}: field 'checked' is in the future ({checked})")
    for field in ("phone", "sms"):
        number = entry.get(field)
        if number is not None and not _PHONE_PATTERN.match(str(number)):
            raise ContactsError(f"{where}: field '{field}' {number!r} is not a dialable number")
    web = entry.get("web")
    if web is not None and not str(web).startswith("https://"):
        raise ContactsError(f"{where}: field 'web' must be an https URL a child can open")
    if not (entry.get("phone") or web or entry.get("sms")):
        raise ContactsError(f"{where}: needs at least one of phone, sms or web")
    known = set(Contact.__dataclass_fields__)
    unknown = set(entry) - known
    if unknown:
        raise ContactsError(f"{where}: unknown field(s) {sorted(unknown)}")
    values = {key: entry.get(key) for key in known if key in entry}
    values["checked"] = checked
    for field in ("phone", "sms"):
        values[field] = str(entry[field]) if entry.get(field) is not None else None
    return Contact(**values)


def load_contacts(path: Path = CONTACTS_FILE, today: Optional[dt.date] = None) -> List[Contact]:
    """Returns every validated contact in file order (file order is priority order)."""
    today = today or dt.date.today()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        raise ContactsError(f"{path}: no 'entries' list")
    contacts = [
        _parse_entry(entry, f"{path.name} entry {index}", today)
        for index, entry in enumerate(entries, start=1)
    ]
    ids = [contact.id for contact in contacts]
    duplicates = sorted({contact_id for contact_id in ids if ids.count(contact_id) > 1})
    if duplicates:
        raise ContactsError(f"{path.name}: duplicate id(s) {duplicates}")
    return contacts


def contacts_for(contacts: Sequence[Contact], country: str, kinds: Sequence[str]) -> List[Contact]:
    """Returns the contacts of a country for the given kinds, ordered by kind then file order."""
    chosen: List[Contact] = []
    for kind in kinds:
        chosen.extend(c for c in contacts if c.country == country and c.kind == kind)
    return chosen


def covered_countries(contacts: Sequence[Contact]) -> List[str]:
    """Countries (not the international layer) that have at least one contact."""
    seen: Dict[str, None] = {}
    for contact in contacts:
        if contact.country != INTERNATIONAL:
            seen.setdefault(contact.country, None)
    return list(seen)
