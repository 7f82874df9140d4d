"""Helpers that give every scenario parameter a default, a unit and a description."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

STRICT = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False, strict=True)


class Section(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are frozen.

    A sub-section given in part keeps the rest of *its own* default: `[primary_care.gp]
    base_rate = 4.5` changes the GP's base rate only, not its age slope or condition extras
    back to the generic contact process's.
    """

    model_config = STRICT

    @model_validator(mode="before")
    @classmethod
    def _complete_from_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for name, field in cls.model_fields.items():
            raw = out.get(name)
            if isinstance(raw, dict) and field.default_factory is not None:
                default = field.default_factory()  # type: ignore[call-arg]
                if isinstance(default, BaseModel):
                    out[name] = _merged(default.model_dump(), raw)
        return out


def _merged(default: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """`given` over `default`, nested dictionaries merged key by key."""
    out = dict(default)
    for key, value in given.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def param(default: Any, unit: str, description: str, **constraints: Any) -> Any:
    """A scenario field with its unit shown in the schema and in `--help`-style listings."""
    return Field(
        default,
        description=f"{description} [{unit}]",
        json_schema_extra={"unit": unit},
        **constraints,
    )


def listing(default_factory: Any, unit: str, description: str, **constraints: Any) -> Any:
    """A list or table field (scopes, rules, rates) with its unit in the schema; `...` makes it required."""
    extra: dict[str, Any] = {"unit": unit}
    kwargs: dict[str, Any] = {"description": f"{description} [{unit}]", "json_schema_extra": extra, **constraints}
    if default_factory is ...:
        return Field(..., **kwargs)
    # pydantic leaves factory defaults out of the JSON Schema; editors want them
    value = default_factory()
    extra["default"] = [v.model_dump() if isinstance(v, BaseModel) else v for v in value] if isinstance(value, list) else value
    return Field(default_factory=default_factory, **kwargs)


def keyed_section(
    name: str,
    defaults: dict[str, float],
    unit: str,
    description: str,
    module: str,
    **constraints: Any,
) -> type[Section]:
    """A section with one float field per key (category, condition, region), all alike.

    Bind the result to `name` in `module` so that scenarios pickle (parallel replications).
    """
    fields = {
        key: (float, param(value, unit, f"{description}: {key}", **constraints))
        for key, value in defaults.items()
    }
    return create_model(name, __base__=Section, __module__=module, **fields)  # type: ignore[call-overload]
