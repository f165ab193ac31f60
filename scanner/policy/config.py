"""The user's config file: parameter overrides, per-policy settings and waivers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import InputError
from ..model import Severity
from .yaml_lines import line_for, read_yaml_with_lines

REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")


class PolicySettings(BaseModel):
    """Overrides for one policy."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    enabled: bool = True
    severity: Severity | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class Waiver(BaseModel):
    """An accepted risk: findings of ``id`` on resources matching ``resource`` are suppressed until ``expires``."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str = Field(description="Policy id.")
    resource: str = Field("*", description="Shell-style pattern on the resource uid or name.")
    reason: str = Field(min_length=1)
    expires: dt.date | None = Field(None, description="After this date the waiver stops suppressing.")


class Config(BaseModel):
    """``haguard.yaml``: the Regions, global params, per-policy settings and waivers."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    regions: list[str] = Field(default_factory=list,
                               description="The Regions the architecture runs in: a live scan's default --region.")
    params: dict[str, Any] = Field(default_factory=dict, description="Overrides for every policy declaring them.")
    policies: dict[str, PolicySettings] = Field(default_factory=dict)
    waivers: list[Waiver] = Field(default_factory=list)
    path: str | None = Field(None, exclude=True)
    lines: dict[tuple[Any, ...], int] = Field(default_factory=dict, exclude=True)

    @field_validator("regions")
    @classmethod
    def _region_names(cls, regions: list[str]) -> list[str]:
        for index, region in enumerate(regions):
            if not REGION_NAME.fullmatch(region):
                raise ValueError(f"item {index}: {region!r} is not a Region name like us-east-1")
        return regions

    def line(self, *at: Any) -> int | None:
        """The config file line of a key path, if known."""
        return self.lines.get(tuple(at))


def load_config(path: str | Path) -> Config:
    """Read and validate a config file (errors name the file and line)."""
    path = Path(path)
    data, lines = read_yaml_with_lines(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("the config file must be a YAML mapping", str(path), lines.get(()))
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        raise InputError(f"{where}: {message}", str(path), line_for(err["loc"], data, lines)) from None
    config.path = str(path)
    config.lines = lines
    return config


def same_kind(default: Any, value: Any) -> bool:
    """True when an override has the type of the param's default (ints are valid floats)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and (isinstance(default, float) or isinstance(value, int))
    if isinstance(default, list):
        return isinstance(value, list) and all(any(same_kind(d, v) for d in default) or not default for v in value)
    return isinstance(value, type(default))
