"""Loads the help directory: the shipped files under ``resources/directory/`` and, when a
deployment sets ``HAVEN_RESOURCES_DIR``, an NGO's own directory layered on top.

An NGO override can add entries, replace a shipped entry by reusing its id, hide shipped entries,
and name its own line as the first choice for its country. Every file passes the same schema.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

import yaml
from pydantic import ValidationError

from actions.directory.schema import DirectoryError, Resource
from actions.paths import RESOURCES_DIR

DIRECTORY_DIR = RESOURCES_DIR / "directory"
OVERRIDE_ENV = "HAVEN_RESOURCES_DIR"
_FILE_KEYS = {"entries", "unverified", "hide", "first_choice"}


@dataclass(frozen=True)
class Directory:
    """Validated entries in priority order, and the NGO's first choice per country."""

    resources: List[Resource]
    first_choice: Dict[str, str] = field(default_factory=dict)

    def by_id(self, resource_id: str) -> Optional[Resource]:
        return next((r for r in self.resources if r.id == resource_id), None)


def _describe(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"])
        parts.append(f"field '{location}': {problem['msg']}")
    return "; ".join(parts)


def _read_file(path: Path) -> Dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise DirectoryError(f"{path}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise DirectoryError(f"{path}: expected a mapping with an 'entries' list")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise DirectoryError(f"{path}: unknown top-level key(s) {sorted(unknown)}")
    return data


def _parse_entries(path: Path, data: Mapping[str, Any]) -> List[Resource]:
    entries = data.get("entries") or []
    if not isinstance(entries, list):
        raise DirectoryError(f"{path}: 'entries' must be a list")
    resources = []
    for index, entry in enumerate(entries, start=1):
        where = f"{path.name} entry {index}"
        if not isinstance(entry, dict):
            raise DirectoryError(f"{where}: expected a mapping of fields")
        where += f" (id {entry.get('id', '?')})"
        try:
            resources.append(Resource(**entry))
        except ValidationError as error:
            raise DirectoryError(f"{where}: {_describe(error)}") from error
        except TypeError as error:
            raise DirectoryError(f"{where}: {error}") from error
    return resources


def _yaml_files(directory: Path) -> List[Path]:
    if not directory.is_dir():
        raise DirectoryError(f"{directory}: resource directory not found")
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yml", ".yaml"))
    if not files:
        raise DirectoryError(f"{directory}: no .yml files")
    return files


def _load_layer(directory: Path) -> tuple:
    resources: List[Resource] = []
    hidden: List[str] = []
    first_choice: Dict[str, str] = {}
    for path in _yaml_files(directory):
        data = _read_file(path)
        resources.extend(_parse_entries(path, data))
        hidden.extend(str(item) for item in data.get("hide") or [])
        first_choice.update({str(k): str(v) for k, v in (data.get("first_choice") or {}).items()})
    ids = [resource.id for resource in resources]
    duplicates = sorted({rid for rid in ids if ids.count(rid) > 1})
    if duplicates:
        raise DirectoryError(f"{directory}: duplicate id(s) {duplicates}")
    return resources, hidden, first_choice


def _merge(base: Sequence[Resource], layer: Sequence[Resource]) -> List[Resource]:
    """An override entry with a shipped id takes its place; new entries follow the shipped ones."""
    replacements = {resource.id: resource for resource in layer}
    merged = [replacements.pop(resource.id, resource) for resource in base]
    return merged + [resource for resource in layer if resource.id in replacements]


def load_directory(
    base_dir: Path = DIRECTORY_DIR, override_dir: Optional[Path] = None
) -> Directory:
    """Loads and validates the shipped directory and the NGO override (argument or env)."""
    resources, hidden, first_choice = _load_layer(base_dir)
    if override_dir is None and os.environ.get(OVERRIDE_ENV):
        override_dir = Path(os.environ[OVERRIDE_ENV])
    if override_dir is not None:
        layer, layer_hidden, layer_first = _load_layer(override_dir)
        resources = _merge(resources, layer)
        hidden += layer_hidden
        first_choice.update(layer_first)
    known = {resource.id for resource in resources}
    for resource_id in hidden:
        if resource_id not in known:
            raise DirectoryError(f"hide: no entry with id {resource_id!r}")
    visible = [resource for resource in resources if resource.id not in set(hidden)]
    for country, resource_id in first_choice.items():
        chosen = next((r for r in visible if r.id == resource_id), None)
        if chosen is None:
            raise DirectoryError(f"first_choice for {country}: no visible entry {resource_id!r}")
        if not chosen.serves(country):
            raise DirectoryError(f"first_choice for {country}: {resource_id!r} does not serve it")
    return Directory(resources=visible, first_choice=first_choice)
