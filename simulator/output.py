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
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.scenario.problems import Problem, ScenarioError

PACKAGES = ("simsim", "numpy", "pandas", "pyarrow", "mesa", "pydantic", "click", "pyomo", "highspy", "scipy", "SALib", "dask", "distributed")


def check_writable(out: Path, overwrite: bool) -> None:
    """Fail early, before any simulation, if the run folder cannot be written."""
    if out.exists() and not overwrite:
        raise ScenarioError(None, [Problem("--out", str(out), "a folder that does not exist yet, or --overwrite")])
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as exc:
        raise ScenarioError(None, [Problem("--out", str(out), f"a folder whose parent is writable ({exc.strerror})")]) from None


@contextlib.contextmanager
def atomic_folder(out: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces `out`, on failure it disappears."""
    out = out.resolve()
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; a run folder follows the umask
    try:
        yield tmp
        if out.exists():
            if not overwrite:
                raise FileExistsError(out)
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_tables(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Each table as `name.parquet` and `name.csv`."""
    for name, table in tables.items():
        table.to_parquet(folder / f"{name}.parquet", index=False)
        table.to_csv(folder / f"{name}.csv", index=False, float_format="%.10g")


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write(tmp_path)`, then rename into place (same folder, so the rename is atomic)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_table_atomically(folder: Path, name: str, table: pd.DataFrame, float_format: str = "%.10g") -> None:
    """`name.parquet` and `name.csv`, each renamed into place once whole."""
    write_atomically(folder / f"{name}.parquet", lambda p: table.to_parquet(p, index=False))
    write_atomically(folder / f"{name}.csv", lambda p: table.to_csv(p, index=False, float_format=float_format))


def sha256(path: Path) -> str:
    """Hex digest of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")


def base_manifest(scenario_json: dict[str, Any], source: Path | None, seeds: list[int], wall_seconds: float) -> dict[str, Any]:
    """What is needed to rerun and to trace: scenario, seeds, software, command, timing."""
    return {
        "scenario": scenario_json,
        "scenario_file": str(source) if source else None,
        "scenario_file_sha256": sha256(source) if source and source.exists() else None,
        "replication_seeds": seeds,
        "versions": versions(),
        "git_commit": git_commit(),
        "command": sys.argv,
        "wall_time_seconds": round(wall_seconds, 3),
        "platform": platform.platform(),
    }
