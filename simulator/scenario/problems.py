"""Scenario problems reported as one plain line each: file, dotted path, value, what is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario."""

    path: str
    value: Any
    allowed: str

    def line(self, file: str | Path | None) -> str:
        """`file: path: value 'x' is not allowed; allowed: ...`."""
        where = f"{_printable(str(file))}: " if file else ""
        shown = "(missing)" if self.value is _MISSING else repr(self.value)
        if len(shown) > 200:
            shown = shown[:200] + "..."
        return _printable(f"{where}{self.path or '(top level)'}: value {shown}; allowed: {self.allowed}")


def _printable(text: str) -> str:
    """One line: control and invisible characters (newlines, bidi overrides) shown escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class ScenarioError(Exception):
    """A scenario that cannot be run; `str()` gives one line per problem."""

    def __init__(self, file: str | Path | None, problems: list[Problem]):
        self.file = str(file) if file else None
        self.problems = problems
        super().__init__("\n".join(p.line(self.file) for p in problems))


_MISSING = object()


def dotted(loc: tuple[str | int, ...]) -> str:
    """('territories', 0, 'bim_share') -> 'territories[0].bim_share'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str] | None:
    """Names of the fields a scenario section accepts, found by walking `loc` from `model`."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _section_type(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _section_type(annotation: Any) -> Any:
    """The BaseModel inside `list[X]` / `X | None`, or the annotation itself."""
    for arg in getattr(annotation, "__args__", ()) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation


def _allowed(error: dict[str, Any], model: type[BaseModel]) -> str:
    kind, ctx, msg = error["type"], error.get("ctx") or {}, error["msg"]
    bounds = {"greater_than_equal": ">= {ge}", "greater_than": "> {gt}", "less_than_equal": "<= {le}", "less_than": "< {lt}"}
    if kind in bounds:
        return bounds[kind].format(**ctx)
    if kind == "extra_forbidden":
        names = _fields_at(model, tuple(error["loc"][:-1]))
        return "one of " + ", ".join(names) if names else "no such key here"
    if kind == "missing":
        return "a value is required here"
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "a whole number"
    if kind in ("float_parsing", "float_type"):
        return "a number"
    if kind in ("string_type",):
        return "text"
    if kind == "string_pattern_mismatch":
        if "." in str(ctx.get("pattern", "")):  # a file name (schema.SAFE_NAME)
            return "a file name of letters, digits, '_', '-' or '.', starting with a letter or digit (no path)"
        return "a name of letters, digits, '_' or '-', starting with a letter"
    if kind in ("too_short", "too_long"):
        return msg.replace("List should", "a list that should").replace("String should", "text that should")
    if kind == "value_error":
        return msg.removeprefix("Value error, ").removeprefix("allowed: ")
    return msg


def from_validation_error(error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Translate pydantic's errors into problems with dotted paths."""
    problems = []
    for e in error.errors(include_url=False):
        value = _MISSING if e["type"] == "missing" else e.get("input")
        if e["type"] == "extra_forbidden":
            value = e.get("input")
        problems.append(Problem(dotted(tuple(e["loc"])), value, _allowed(e, model)))
    return problems
