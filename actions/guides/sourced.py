"""What every sourced fact shares: the official page it was checked against and when."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Type, TypeVar

import yaml
from pydantic import BaseModel, Extra, ValidationError, validator

from actions.sourcing import checked_in_the_past, official_page

Model = TypeVar("Model", bound=BaseModel)


class GuideError(ValueError):
    """A guide file is malformed; the message names the file and the field."""


class Sourced(BaseModel):
    """A fact a user will read: it must name its official source and a check date."""

    source: str
    checked: dt.date
    evidence: str

    class Config:
        extra = Extra.forbid
        allow_mutation = False

    _source = validator("source", allow_reuse=True)(official_page)
    _checked = validator("checked", allow_reuse=True)(checked_in_the_past)


def load_guide(path: Path, model: Type[Model]) -> Model:
    """Parses one guide file into its model, or fails naming the file and the field."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.parse_obj(data)
    except yaml.YAMLError as error:
        raise GuideError(f"{path.name}: not valid YAML ({error})") from error
    except ValidationError as error:
        problems = "; ".join(
            f"field '{'.'.join(str(p) for p in e['loc'])}': {e['msg']}" for e in error.errors()
        )
        raise GuideError(f"{path.name}: {problems}") from error
