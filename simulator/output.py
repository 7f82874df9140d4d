"""Writing a run folder atomically: tables (Parquet and CSV) and `manifest.json`.

Everything is written into a hidden temporary folder next to the destination, which is
renamed into place only when complete; on any failure the temporary folder is removed,
so a run folder either exists whole or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.csv_tables import write_csv
from simulator.workers import alive
from simulator.scenario.problems import Problem, ScenarioError

PACKAGES = ("simsim", "numpy", "pandas", "pyarrow", "mesa", "pydantic", "click", "pyomo", "highspy", "scipy", "SALib", "dask", "distributed")


SIMSIM_MANIFEST_KEYS = ("replication_seeds", "fingerprint", "calibration", "export")  # what a run, sweep, calibration or export records


def is_simsim_folder(path: Path) -> bool:
    """Whether `path` is a folder simsim wrote: it holds a manifest.json that simsim writes."""
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and any(key in manifest for key in SIMSIM_MANIFEST_KEYS)


def _owner(name: str, kind: str) -> int | None:
    """The pid in a `.{out}.{kind}-{pid}[-...]` name."""
    tail = name.rsplit(f".{kind}-", 1)[-1]
    digits = tail.split("-", 1)[0]
    return int(digits) if digits.isdigit() else None


def recover(out: Path) -> None:
    """Repair what an interrupted write left next to `out`.

    A crash in the middle of an `--overwrite` swap leaves the previous version renamed aside
    (`.name.old-PID`): it is put back if `out` is missing. Temporary folders of processes that
    no longer run (`.name.tmp-PID-...`, `.name.old-PID`) are removed.
    """
    out = out.absolute()
    parent = out.parent
    if not parent.is_dir():
        return
    leftovers = sorted(parent.glob(f".{out.name}.old-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in leftovers:
        pid = _owner(old.name, "old")
        if pid is not None and pid != os.getpid() and alive(pid):
            continue
        if not out.exists() and is_simsim_folder(old):
            old.rename(out)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in parent.glob(f".{out.name}.tmp-*"):
        pid = _owner(tmp.name, "tmp")
        if pid is None or (pid != os.getpid() and not alive(pid)):
            shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)


def check_writable(out: Path, overwrite: bool) -> None:
    """Fail early, before any simulation, if the run folder cannot be written; nothing is created here."""
    recover(out)
    if out.exists() and not overwrite:
        raise ScenarioError(None, [Problem("--out", str(out), "a folder that does not exist yet, or --overwrite")])
    if out.exists() and not is_simsim_folder(out):
        raise ScenarioError(None, [Problem("--out", str(out), "a folder simsim wrote (it has simsim's manifest.json): "
                                           "--overwrite never replaces other folders")])
    ancestor = out.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise ScenarioError(None, [Problem("--out", str(out), f"a folder whose parent can be created and written ({ancestor} is not writable)")])


@contextlib.contextmanager
def atomic_folder(out: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces `out`, on failure it disappears (with any parent it created)."""
    out = out.absolute()
    created = [p for p in [out.parent, *out.parent.parents] if not p.exists()]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; a run folder follows the umask
    try:
        yield tmp
        if out.exists():
            if not overwrite:
                raise FileExistsError(out)
            if not is_simsim_folder(out):
                raise ScenarioError(None, [Problem("--out", str(out), "a folder simsim wrote: --overwrite never replaces other folders")])
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(old)  # a crash from here until the next rename is repaired by `recover`
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for folder in created:  # innermost first: only the empty ones this run made
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def read_folder_file(path: Path, read: Callable[[Path], Any]) -> Any:
    """`read(path)` for a file simsim wrote; a missing or damaged file is a plain one-line error naming it."""
    import pyarrow

    try:
        return read(path)
    except FileNotFoundError:
        raise ScenarioError(None, [Problem("(folder)", str(path), "a file simsim writes there (is this a simsim folder?)")]) from None
    except (OSError, ValueError, KeyError, TypeError, pyarrow.ArrowException) as exc:
        raise ScenarioError(None, [Problem("(folder)", str(path), f"a readable file written by simsim (damaged: {type(exc).__name__})")]) from None


def write_tables(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Each table as `name.parquet` and `name.csv` (floats to ten significant digits)."""
    for name, table in tables.items():
        table.to_parquet(folder / f"{name}.parquet", index=False)
        write_csv(table, folder / f"{name}.csv")


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write(tmp_path)`, then rename into place (same folder, so the rename is atomic)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomically(path: Path, text: str) -> None:
    """Write next to the target, then rename over it."""
    write_atomically(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_table_atomically(folder: Path, name: str, table: pd.DataFrame, digits: int = 10) -> None:
    """`name.parquet` and `name.csv` (floats to `digits` significant digits), each renamed into place once whole."""
    write_atomically(folder / f"{name}.parquet", lambda p: table.to_parquet(p, index=False))
    write_atomically(folder / f"{name}.csv", lambda p: write_csv(table, p, digits))


def sha256(path: Path) -> str:
    """Hex digest of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Commit:
    """`git_commit()` as taken at some moment (its value may be None: not a git checkout)."""

    value: str | None


def git_commit() -> str | None:
    """Commit of the simsim source tree, if it is a git checkout."""
    root = Path(__file__).resolve().parent.parent
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def versions() -> dict[str, str]:
    """Versions of Python and the packages that shape results."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """`manifest.json` with the checksums of every other file in the folder."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != "manifest.json")
    manifest = {**manifest, "files": {p.name: sha256(p) for p in files}}
    text = json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n"
    write_atomically(folder / "manifest.json", lambda p: p.write_text(text, encoding="utf-8"))


def base_manifest(scenario_json: dict[str, Any], source: Path | None, seeds: list[int], wall_seconds: float,
                  commit: Commit | None = None) -> dict[str, Any]:
    """What is needed to rerun and to trace: scenario, seeds, software, command, timing (`commit`: a `Commit` taken
    before the run, or None to take it now)."""
    return {
        "scenario": scenario_json,
        "scenario_file": str(source) if source else None,
        "scenario_file_sha256": sha256(source) if source and source.exists() else None,
        "replication_seeds": seeds,
        "versions": versions(),
        "git_commit": git_commit() if commit is None else commit.value,
        "command": sys.argv,
        "wall_time_seconds": round(wall_seconds, 3),
        "platform": platform.platform(),
    }
