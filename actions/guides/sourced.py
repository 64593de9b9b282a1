"""What every sourced fact shares: the official page it was checked against and when."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Type, TypeVar

import yaml
from pydantic import BaseModel, Extra, ValidationError, validator

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

    @validator("source")
    def _source_is_a_page(cls, value: str) -> str:  # noqa: N805
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be the URL of the official page checked")
        return value

    @validator("checked")
    def _checked_is_not_in_the_future(cls, value: dt.date) -> dt.date:  # noqa: N805
        if value > dt.date.today():
            raise ValueError(f"{value} is in the future")
        return value


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
