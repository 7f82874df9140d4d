"""Reading input files safely: regular files only, of bounded size, decoded as UTF-8, parsed as TOML.

Every failure is a `ScenarioError` (one line, exit status 2), never a traceback.
"""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path
from typing import Any

from simulator.scenario.problems import Problem, ScenarioError

MAX_INPUT_BYTES = 4 * 1024 * 1024  # a scenario, sweep or calibration file is text of a few kilobytes


def read_text(path: Path, what: str, field: str = "(file)", referrer: Path | None = None) -> str:
    """The UTF-8 text of `path`: an existing regular file below MAX_INPUT_BYTES. `referrer` is the file that named it."""
    where = referrer or path
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ScenarioError(where if referrer else None, [Problem(field, str(path), f"an existing {what}")]) from None
    except OSError as exc:
        raise ScenarioError(where, [Problem(field, str(path), f"a readable {what} ({exc.strerror})")]) from None
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(where, [Problem(field, str(path), f"a regular file (a {what}), not a device, folder or pipe")])
    if info.st_size > MAX_INPUT_BYTES:
        raise ScenarioError(where, [Problem(field, str(path), f"a {what} of at most {MAX_INPUT_BYTES // 1024 // 1024} MiB "
                                                             f"(it has {info.st_size:,} bytes)")])
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(where, [Problem(field, str(path), f"a readable {what} ({exc.strerror})")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(path, [Problem("(encoding)", f"byte {exc.start}",
                                           "UTF-8 text (save the file as UTF-8; Latin-1 and UTF-16 are not read)")]) from None


def read_toml_file(path: Path, what: str, field: str = "(file)", referrer: Path | None = None) -> dict[str, Any]:
    """Parse `path` as TOML (see `read_text` for what the file must be)."""
    text = read_text(path, what, field, referrer)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, [Problem("(syntax)", str(exc), "well-formed TOML (https://toml.io)")]) from None
    schema = data.pop("$schema", None)  # for editors only
    if schema is not None and not isinstance(schema, str):
        raise ScenarioError(path, [Problem("$schema", schema, "the schema's location, as text")])
    return data
