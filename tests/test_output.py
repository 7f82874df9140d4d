"""Run folders: an interrupted --overwrite swap is repaired, stale temporaries are removed, no empty parents left."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from simulator.output import atomic_folder, check_writable, is_simsim_folder, recover
from simulator.scenario import ScenarioError


def simsim_folder(path, marker="x"):
    path.mkdir(parents=True)
    (path / "manifest.json").write_text(json.dumps({"replication_seeds": [1]}), encoding="utf-8")
    (path / "marker.txt").write_text(marker, encoding="utf-8")


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_folder_left_mid_swap_is_put_back(tmp_path):
    out = tmp_path / "run"
    simsim_folder(tmp_path / f".run.old-{dead_pid()}", "previous")  # the crash came after the old folder was renamed aside
    (tmp_path / f".run.tmp-{dead_pid()}-abc").mkdir()  # and before the new one was renamed in
    recover(out)
    assert (out / "marker.txt").read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_stale_temporaries_go_and_live_ones_stay(tmp_path):
    simsim_folder(tmp_path / "run")
    stale, live = tmp_path / f".run.tmp-{dead_pid()}-a", tmp_path / f".run.tmp-{os.getpid()}-b"
    stale.mkdir()
    live.mkdir()
    check_writable(tmp_path / "run", overwrite=True)
    assert not stale.exists() and live.exists()


def test_overwrite_only_replaces_simsim_folders(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("keep")
    assert not is_simsim_folder(tmp_path / "mine")
    with pytest.raises(ScenarioError, match="never replaces"):
        check_writable(tmp_path / "mine", overwrite=True)
    with pytest.raises(ScenarioError, match="never replaces"), atomic_folder(tmp_path / "mine", overwrite=True) as tmp:
        (tmp / "manifest.json").write_text("{}")
    assert (tmp_path / "mine" / "keep.txt").read_text() == "keep"


def test_a_failed_write_leaves_no_parent_it_created(tmp_path):
    out = tmp_path / "a" / "b" / "run"
    check_writable(out, overwrite=False)
    assert not (tmp_path / "a").exists()  # nothing is created before writing
    with pytest.raises(RuntimeError), atomic_folder(out) as tmp:
        (tmp / "x").write_text("half")
        raise RuntimeError("crash while writing")
    assert list(tmp_path.iterdir()) == []
