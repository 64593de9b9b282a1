"""The sourced contacts file: it loads, every entry is sourced and recent, every covered country can
reach a phone for every urgent need, and a broken edit fails with a message naming the problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from actions.directory.contacts import (
    INTERNATIONAL,
    ContactsError,
    contacts_for,
    covered_countries,
    load_contacts,
)
from actions.paths import RESOURCES_DIR

# The five countries the project promises; covered_countries() may grow beyond them.
MAIN_COUNTRIES = ["Taiwan", "United States", "United Kingdom", "Japan", "South Korea"]
URGENT_KINDS = ["emergency", "child_helpline", "crisis_line"]


@pytest.fixture(scope="module")
def contacts():
    return load_contacts()


def test_shipped_contacts_load(contacts) -> None:
    assert len(contacts) >= 15


def test_every_main_country_is_covered(contacts) -> None:
    assert set(MAIN_COUNTRIES) <= set(covered_countries(contacts))


@pytest.mark.parametrize("country", MAIN_COUNTRIES)
@pytest.mark.parametrize("kind", URGENT_KINDS)
def test_every_country_has_a_phone_for_every_urgent_need(contacts, country: str, kind: str) -> None:
    assert any(c.phone for c in contacts_for(contacts, country, [kind])), (country, kind)


def test_the_international_route_is_a_directory_of_helplines(contacts) -> None:
    directories = contacts_for(contacts, INTERNATIONAL, ["directory"])
    assert directories and all(c.web and c.web.startswith("https://") for c in directories)


def test_every_entry_was_checked_within_a_year_against_an_official_page(contacts) -> None:
    a_year_ago = dt.date.today() - dt.timedelta(days=365)
    for contact in contacts:
        assert contact.source.startswith(("https://", "http://")), contact.id
        assert a_year_ago <= contact.checked <= dt.date.today(), contact.id


GOOD_ENTRY = {
    "id": "xx_emergency_police",
    "country": "Testland",
    "kind": "emergency",
    "name": "Police",
    "phone": "110",
    "source": "https://example.org/police",
    "checked": dt.date(2026, 1, 5),
}


def write_contacts(tmp_path: Path, **changes) -> Path:
    entry = {**GOOD_ENTRY, **changes}
    entry = {key: value for key, value in entry.items() if value is not None}
    path = tmp_path / "contacts.yml"
    path.write_text(yaml.safe_dump({"entries": [entry]}), encoding="utf-8")
    return path


def test_a_good_fixture_loads(tmp_path: Path) -> None:
    (contact,) = load_contacts(write_contacts(tmp_path), today=dt.date(2026, 2, 1))
    assert contact.phone == "110"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"source": None}, "field 'source' is missing"),
        ({"source": "ftp://example.org"}, "field 'source' must be an http(s) URL"),
        ({"web": "javascript:alert(1)"}, "field 'web' must be an https URL"),
        ({"sms": "text me"}, "field 'sms' 'text me' is not a dialable number"),
        ({"name": None}, "field 'name' is missing"),
        ({"country": None}, "field 'country' is missing"),
        ({"checked": dt.date(2027, 1, 1)}, "field 'checked' is in the future"),
        ({"checked": "last week"}, "field 'checked' must be a date"),
        ({"phone": "call the police"}, "field 'phone' 'call the police' is not a dialable"),
        ({"kind": "hotline"}, "field 'kind' is 'hotline'"),
        ({"phone": None}, "needs at least one of phone, sms or web"),
        ({"fax": "123"}, "unknown field(s) ['fax']"),
    ],
)
def test_broken_entries_fail_naming_file_entry_and_field(
    tmp_path: Path, changes: dict, message: str
) -> None:
    path = write_contacts(tmp_path, **changes)
    with pytest.raises(ContactsError) as error:
        load_contacts(path, today=dt.date(2026, 2, 1))
    assert "contacts.yml entry 1 (id xx_emergency_police)" in str(error.value)
    assert message in str(error.value)


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yml"
    path.write_text(yaml.safe_dump({"entries": [GOOD_ENTRY, GOOD_ENTRY]}), encoding="utf-8")
    with pytest.raises(ContactsError, match="duplicate id"):
        load_contacts(path, today=dt.date(2026, 2, 1))


def test_the_countries_file_names_every_covered_country(contacts) -> None:
    countries = yaml.safe_load((RESOURCES_DIR / "countries.yml").read_text(encoding="utf-8"))
    assert set(covered_countries(contacts)) <= set(countries["countries"])
