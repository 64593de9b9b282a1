"""The help directory: the shipped files load; every entry is sourced and recent; every covered
country reaches a phone for every urgent need; a broken edit fails naming file, entry and field;
an NGO override adds, replaces and hides entries and names its own first choice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from actions.directory.loader import DIRECTORY_DIR, OVERRIDE_ENV, load_directory
from actions.directory.resolve import covered_countries, resolve_resources, resources_for
from actions.directory.schema import INTERNATIONAL, KINDS, DirectoryError
from tests.helpers import write_resource_dir

MAIN_COUNTRIES = ["Taiwan", "United States", "United Kingdom", "Japan", "South Korea"]
URGENT_TOPICS = ["self_harm", "immediate_danger", "abuse", "sextortion", "runaway", "distress"]
PHONE_KINDS = ["emergency", "child_helpline", "crisis_line"]
# Kinds each of the five countries must offer, from its own entries or the cross-border layer.
REQUIRED_KINDS = [
    "emergency",
    "child_helpline",
    "crisis_line",
    "csam_report",
    "image_takedown",
    "shelter_runaway",
    "police_cyber",
]


@pytest.fixture(scope="module")
def directory():
    return load_directory()


def test_the_shipped_directory_loads(directory) -> None:
    assert len(directory.resources) >= 30
    assert {r.kind for r in directory.resources} <= set(KINDS)


def test_every_main_country_is_covered(directory) -> None:
    assert set(MAIN_COUNTRIES) <= set(covered_countries(directory.resources))


@pytest.mark.parametrize("country", MAIN_COUNTRIES)
@pytest.mark.parametrize("kind", PHONE_KINDS)
def test_every_country_has_a_phone_for_every_urgent_need(directory, country, kind) -> None:
    assert any(r.phone for r in resources_for(directory.resources, country, [kind]))


@pytest.mark.parametrize("country", MAIN_COUNTRIES + [None, "France"])
@pytest.mark.parametrize("topic", URGENT_TOPICS)
def test_every_country_and_urgent_topic_resolves_to_a_reachable_entry(directory, country, topic):
    chosen = resolve_resources(directory, country, topic, urgent=True)
    if country in MAIN_COUNTRIES:
        assert any(r.phone for r in chosen), (country, topic)
        assert chosen[0].kind == "emergency", (country, topic)
    else:
        # No guessed numbers abroad: the international directory of helplines.
        assert chosen[-1].kind == "directory" and chosen[-1].web


def documented_gaps(country: str) -> set:
    """Kinds a country's file lists under `unverified:` (kind + lead + reason): a gap we could
    not fill from an official page, said out loud instead of guessed."""
    gaps = set()
    for path in DIRECTORY_DIR.glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for lead in data.get("unverified") or []:
            if lead.get("kind") and str(lead.get("lead", "")).startswith(country):
                assert lead.get("reason"), lead
                gaps.add(lead["kind"])
    return gaps


@pytest.mark.parametrize("country", MAIN_COUNTRIES)
def test_every_required_kind_is_reachable_or_a_documented_gap(directory, country) -> None:
    own = {r.kind for r in directory.resources if r.serves(country)}
    cross_border = {r.kind for r in directory.resources if r.serves(INTERNATIONAL)}
    missing = [k for k in REQUIRED_KINDS if k not in own | cross_border | documented_gaps(country)]
    assert not missing, (country, missing)


@pytest.mark.parametrize("country", MAIN_COUNTRIES)
def test_a_child_who_cannot_go_home_always_has_someone_to_call(directory, country) -> None:
    chosen = resolve_resources(directory, country, "runaway", urgent=True)
    assert any(r.phone and r.kind != "emergency" for r in chosen), country


def test_every_entry_was_checked_within_a_year_against_an_official_page(directory) -> None:
    a_year_ago = dt.date.today() - dt.timedelta(days=365)
    for resource in directory.resources:
        assert resource.source.startswith(("https://", "http://")), resource.id
        assert a_year_ago <= resource.checked <= dt.date.today(), resource.id
        assert resource.evidence, resource.id


def test_adult_only_services_are_never_offered_to_a_child(directory) -> None:
    for country in MAIN_COUNTRIES + [None]:
        for resource in resolve_resources(directory, country, "sextortion", urgent=True):
            assert not (resource.min_age and resource.min_age >= 18), (country, resource.id)


def test_lines_for_worried_adults_come_first_for_a_parent(directory) -> None:
    chosen = resolve_resources(directory, "United Kingdom", "grooming", role="parent")
    assert chosen[0].kind == "parent_support"
    assert all(
        r.kind != "parent_support"
        for r in resolve_resources(directory, "United Kingdom", "grooming", role="youth")
    )


# ---------------------------------------------------------------- broken files fail clearly

GOOD_ENTRY: Dict[str, Any] = {
    "id": "xx_emergency_police",
    "name": "Police",
    "kind": "emergency",
    "countries": ["Germany"],
    "topics": ["immediate_danger"],
    "phone": "110",
    "source": "https://example.org/police",
    "checked": dt.date(2026, 1, 5),
    "evidence": "page says 110",
}


def write_directory(folder: Path, entries: List[Dict[str, Any]], **extra: Any) -> Path:
    return write_resource_dir(folder, entries=entries, **extra)


def test_a_good_fixture_loads(tmp_path: Path) -> None:
    directory = load_directory(write_directory(tmp_path / "d", [GOOD_ENTRY]))
    assert directory.resources[0].tel_uri == "tel:110"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"phone": "call me"}, "phone", "does not parse as a phone number"),
        ({"phone": "12-ab-34"}, "phone", "does not parse"),
        ({"checked": dt.date(2999, 1, 1)}, "checked", "in the future"),
        ({"checked": "last week"}, "checked", "date"),
        ({"topics": ["grooming", "homework"]}, "topics", "unknown topic"),
        ({"topics": []}, "topics", "at least one topic"),
        ({"kind": "hotline"}, "kind", "is not one of"),
        ({"countries": ["Narnia"]}, "countries", "unknown country"),
        ({"source": None}, "source", "none is not an allowed value"),
        ({"source": "example.org"}, "source", "official page"),
        ({"web": "http://example.org"}, "web", "https"),
        ({"email": "not-an-address"}, "email", "e-mail"),
        ({"id": "Has Spaces"}, "id", "lowercase"),
        ({"min_age": 16, "max_age": 12}, "max_age", "below min_age"),
        ({"phone": None}, "evidence", "at least one of phone"),
        ({"colour": "red"}, "colour", "extra fields not permitted"),
        # A translation repeats the entry's numbers and links, never adds one.
        ({"translations": {"zh-TW": {"note": "打 0800 123 456"}}}, "translations", "0800"),
        ({"translations": {"zh-TW": {"note": "到 example.com"}}}, "translations", "example.com"),
        ({"translations": {"fr": {"note": "Police"}}}, "translations", "no such language"),
        ({"note": "Call 110.", "translations": {"zh-TW": {}}}, "translations", "translate"),
        ({"hours": "24 hours", "translations": {"zh-TW": {"note": "x"}}}, "translations", "hours"),
    ],
)
def test_a_broken_entry_fails_naming_file_entry_and_field(tmp_path, change, field, words) -> None:
    entry = {**GOOD_ENTRY, **change}
    with pytest.raises(DirectoryError) as failure:
        load_directory(write_directory(tmp_path / "d", [GOOD_ENTRY, entry]))
    message = str(failure.value)
    assert "entries.yml entry 2" in message, message
    assert f"field '{field}'" in message, message
    assert words.lower() in message.lower(), message


def test_a_translation_may_repeat_the_entrys_number_and_link(tmp_path: Path) -> None:
    entry = {
        **GOOD_ENTRY,
        "web": "https://example.org/police",
        "note": "Call 110 or see example.org/police.",
        "translations": {"zh-TW": {"name": "警察", "note": "打 110，或看 example.org/police。"}},
    }
    police = load_directory(write_directory(tmp_path / "d", [entry])).resources[0]
    assert police.display_name("zh-TW") == "警察" and police.display_name("en") == "Police"
    assert police.in_language("note", "zh-TW").startswith("打 110")
    assert police.in_language("hours", "zh-TW") is None


def test_every_shipped_note_and_hours_read_in_chinese(directory) -> None:
    for resource in directory.resources:
        for field in ("note", "hours"):
            assert resource.has_translation(field, "zh-TW") or not getattr(resource, field), (
                resource.id,
                field,
            )


def test_chinese_readers_see_taiwans_local_names_only(directory) -> None:
    for resource in directory.resources:
        name = resource.display_name("zh-TW")
        if resource.serves("Taiwan") and resource.local_name:
            assert name in (resource.local_name, resource.in_language("name", "zh-TW"))
        elif resource.serves("Japan") or resource.serves("South Korea"):
            assert name != resource.local_name, resource.id


def test_a_missing_field_is_named(tmp_path: Path) -> None:
    entry = {key: value for key, value in GOOD_ENTRY.items() if key != "name"}
    with pytest.raises(DirectoryError, match=r"entry 1 \(id xx_emergency_police\): field 'name'"):
        load_directory(write_directory(tmp_path / "d", [entry]))


def test_duplicate_ids_fail(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError, match="duplicate id"):
        load_directory(write_directory(tmp_path / "d", [GOOD_ENTRY, GOOD_ENTRY]))


def test_invalid_yaml_fails_naming_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "broken.yml").write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(DirectoryError, match="broken.yml: not valid YAML"):
        load_directory(folder)


# ---------------------------------------------------------------- NGO override

NGO_LINE = {
    **GOOD_ENTRY,
    "id": "ngo_tw_youth_line",
    "name": "Example NGO youth line",
    "kind": "child_helpline",
    "countries": ["Taiwan"],
    "topics": ["sextortion", "grooming", "abuse", "self_harm", "distress"],
    "phone": "0800 000 000",
}


def test_an_override_adds_an_entry_and_names_it_first_choice(tmp_path: Path) -> None:
    override = write_directory(
        tmp_path / "ngo", [NGO_LINE], first_choice={"Taiwan": NGO_LINE["id"]}
    )
    directory = load_directory(override_dir=override)
    chosen = resolve_resources(directory, "Taiwan", "sextortion")
    assert chosen[0].id == "ngo_tw_youth_line"
    urgent = resolve_resources(directory, "Taiwan", "sextortion", urgent=True)
    kinds = [r.kind for r in urgent]
    first_other = next(i for i, kind in enumerate(kinds) if kind != "emergency")
    assert first_other > 0 and urgent[first_other].id == "ngo_tw_youth_line"


def test_an_override_replaces_an_entry_by_id(tmp_path: Path) -> None:
    shipped = load_directory().by_id("uk_child_helpline_childline")
    replacement = shipped.dict()
    replacement["note"] = "Replaced by the NGO."
    replacement["translations"] = {}  # the shipped translation is of the shipped note
    override = write_directory(tmp_path / "ngo", [replacement])
    directory = load_directory(override_dir=override)
    assert directory.by_id("uk_child_helpline_childline").note == "Replaced by the NGO."
    assert len(directory.resources) == len(load_directory().resources)


def test_an_override_hides_an_entry(tmp_path: Path) -> None:
    override = write_directory(tmp_path / "ngo", [], hide=["uk_child_helpline_childline"])
    directory = load_directory(override_dir=override)
    assert directory.by_id("uk_child_helpline_childline") is None
    assert all(
        r.id != "uk_child_helpline_childline"
        for r in resolve_resources(directory, "United Kingdom", "abuse", urgent=True)
    )


def test_the_override_directory_comes_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(OVERRIDE_ENV, str(write_directory(tmp_path / "ngo", [NGO_LINE])))
    assert load_directory().by_id("ngo_tw_youth_line") is not None


def test_an_override_cannot_hide_what_does_not_exist(tmp_path: Path) -> None:
    override = write_directory(tmp_path / "ngo", [], hide=["no_such_entry"])
    with pytest.raises(DirectoryError, match="no_such_entry"):
        load_directory(override_dir=override)


def test_a_first_choice_must_serve_its_country(tmp_path: Path) -> None:
    override = write_directory(tmp_path / "ngo", [NGO_LINE], first_choice={"Japan": NGO_LINE["id"]})
    with pytest.raises(DirectoryError, match="does not serve"):
        load_directory(override_dir=override)
