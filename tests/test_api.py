"""run_scenario: DataFrames in memory, byte-identical files, workers do not change results."""

from __future__ import annotations

import pandas as pd
import pytest

import simulator
from simulator.scenario import ScenarioError
from simulator import output
from tests.conftest import small_scenario

TABLES = ("annual", "activity", "indicators", "providers", "budget_impact", "budget_summary", "budget_impact_detail")


def test_returns_dataframes(scenario):
    result = simulator.run_scenario(scenario)
    for name in TABLES:
        assert isinstance(getattr(result, name), pd.DataFrame) and len(getattr(result, name))
    assert result.folder is None and result.manifest["replication_seeds"]


def test_same_seed_gives_byte_identical_files(tmp_path, scenario):
    simulator.run_scenario(scenario, out=tmp_path / "a")
    simulator.run_scenario(scenario, out=tmp_path / "b")
    other = simulator.run_scenario(small_scenario("run.seed=99"), out=tmp_path / "c")
    for name in TABLES:
        for ext in ("parquet", "csv"):
            a, b = (tmp_path / "a" / f"{name}.{ext}").read_bytes(), (tmp_path / "b" / f"{name}.{ext}").read_bytes()
            assert a == b, f"{name}.{ext}"
    assert (tmp_path / "a" / "annual.csv").read_bytes() != (other.folder / "annual.csv").read_bytes()


def test_workers_do_not_change_results():
    s = small_scenario("run.replications=3", "run.end_year=2026")
    one = simulator.run_scenario(s, workers=1)
    two = simulator.run_scenario(s, workers=2)
    for name in TABLES:
        pd.testing.assert_frame_equal(one.tables[name], two.tables[name])
    assert sorted(one.annual["replication"].unique()) == [0, 1, 2]


def test_failed_write_leaves_no_folder(tmp_path, scenario, monkeypatch):
    def broken(folder, tables):
        (folder / "annual.csv").write_text("partial")
        raise OSError("disk full")

    monkeypatch.setattr("simulator.api.write_tables", broken)
    with pytest.raises(OSError):
        simulator.run_scenario(scenario, out=tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


def test_overwrite_replaces_a_whole_run_folder_and_nothing_else(tmp_path, scenario):
    simulator.run_scenario(scenario, out=tmp_path / "run", report=False)
    (tmp_path / "run" / "stale.txt").write_text("old")
    simulator.run_scenario(scenario, out=tmp_path / "run", overwrite=True, report=False)
    assert not (tmp_path / "run" / "stale.txt").exists() and (tmp_path / "run" / "manifest.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("keep")
    with pytest.raises(ScenarioError, match="never replaces other folders"):
        simulator.run_scenario(scenario, out=tmp_path / "mine", overwrite=True)
    assert (tmp_path / "mine" / "keep.txt").read_text() == "keep"


def test_manifest_records_what_reruns_need(tmp_path, scenario):
    result = simulator.run_scenario(scenario, out=tmp_path / "run")
    m = result.manifest
    assert m["scenario"]["run"]["seed"] == 7 and len(m["replication_seeds"]) == 1
    assert {"numpy", "pandas", "mesa", "python"} <= set(m["versions"]) and "wall_time_seconds" in m
    assert output.sha256(tmp_path / "run" / "annual.parquet") == __import__("json").loads(
        (tmp_path / "run" / "manifest.json").read_text())["files"]["annual.parquet"]


@pytest.mark.parametrize("reform", ["reform.shared_savings={sharing_rate=0.5}",
                                    "reform.capitation=[{name='gp', scope=['gp']}]"])
def test_arms_run_apart_and_paired_give_the_tables_of_arms_together(reform):
    """`simulate` with one arm (as in two processes) reads the same draws; `pair_arms` rebuilds the joint tables."""
    from simulator.experiment import simulate
    from simulator.results import combine, mark_totals, pair_arms

    s = small_scenario(reform, "run.end_year=2027", "reform.reference.size=10000")
    together = simulator.run_scenario(s, workers=1, report=False).tables
    apart = mark_totals(combine([pair_arms(simulate(s, 0, arms=("status_quo",)), simulate(s, 0, arms=("reform",)), s)], s))
    assert list(apart) == list(together)
    for name, frame in together.items():
        pd.testing.assert_frame_equal(frame, apart[name], obj=name)
    assert (together["budget_impact"]["impact_eur"] != 0).any()


def test_spare_workers_become_threads_in_the_replication_s_process(monkeypatch):
    """One replication on two workers: one process (this one) running in two threads, then the setting is restored."""
    from simulator import api
    from simulator.care.month import kernel_threads

    seen = []
    real = api.simulate
    monkeypatch.setattr(api, "simulate", lambda *a, **k: seen.append(kernel_threads()) or real(*a, **k))
    monkeypatch.setattr("simulator.workers.available_cores", lambda: 2)
    before = kernel_threads()
    s = small_scenario("reform.fee_for_service.tariff_change.gp=0.1", "run.end_year=2026")
    one, two = (simulator.run_scenario(s, workers=w, report=False) for w in (1, 2))
    assert seen == [1, 2] and kernel_threads() == before
    assert (two.manifest["workers"], two.manifest["processes"], two.manifest["threads_per_process"]) == (2, 1, 2)
    for name, frame in one.tables.items():
        pd.testing.assert_frame_equal(frame, two.tables[name], obj=name)


def test_a_replication_on_a_dask_worker_uses_the_worker_s_threads(monkeypatch):
    """Not every core of the node: a LocalCluster of two one-thread workers on two cores runs two kernel threads, not four."""
    import distributed

    from simulator import api
    from simulator.care.month import kernel_threads

    seen, before = [], kernel_threads()
    monkeypatch.setattr(api, "_simulate_one", lambda args: seen.append(kernel_threads()) or {})
    monkeypatch.setattr(distributed, "get_worker", lambda: type("W", (), {"state": type("S", (), {"nthreads": 3})()})())
    assert api._simulate_on_worker(None) == {} and seen == [3] and kernel_threads() == before
    def no_worker():
        raise ValueError("No worker found")

    monkeypatch.setattr(distributed, "get_worker", no_worker)
    assert api._simulate_on_worker(None) == {} and seen == [3, before]  # outside a worker: the process's setting


def test_replications_on_a_dask_cluster_give_the_same_tables(tmp_path, scenario):
    from simulator.sweep.spec import Executor

    many = scenario.model_copy(update={"run": scenario.run.model_copy(update={"replications": 2})})
    local = simulator.run_scenario(many, report=False)
    remote = simulator.run_scenario(many, report=False, cluster=Executor(kind="dask", workers=2))
    for name in ("annual", "indicators", "budget_impact"):
        pd.testing.assert_frame_equal(local.tables[name], remote.tables[name])


def test_load_run_returns_the_same_result_as_the_run(tmp_path, scenario):
    ran = simulator.run_scenario(scenario, out=tmp_path / "r", report=False)
    loaded = simulator.load_run(tmp_path / "r")
    assert list(loaded.tables) == list(ran.tables)
    for name, table in ran.tables.items():
        pd.testing.assert_frame_equal(loaded.tables[name], table, check_dtype=True, obj=name)
    assert loaded.scenario == ran.scenario and loaded.folder == tmp_path / "r"
    assert loaded.manifest["replication_seeds"] == ran.manifest["replication_seeds"]
    with pytest.raises(ScenarioError) as info:
        simulator.load_run(tmp_path)
    assert "manifest.json" in info.value.problems[0].value


def test_a_short_repr(scenario):
    result = simulator.run_scenario(scenario)
    text = repr(result)
    assert len(text) < 800 and text.startswith("<RunResult 'small' 2026-2027, 1 replication") and "budget_impact (" in text
    assert "budget_impact" in dir(result)


def test_total_rows_are_marked_so_sums_never_count_twice(scenario):
    t = simulator.run_scenario(scenario).tables
    impact = t["budget_impact"]
    parts = impact[~impact.is_total].groupby(["replication", "year"])["impact_eur"].sum()
    total = impact[impact.is_total].set_index(["replication", "year"])["impact_eur"]
    pd.testing.assert_series_equal(parts, total, check_names=False, rtol=1e-9)
    assert set(impact.loc[impact.is_total, "payer"]) == {"all_payers"}
    ind = t["indicators"]
    assert (ind.is_total == ((ind.territory == "all") | (ind.patient_group == "all"))).all() and ind.is_total.any()
    assert not t["annual"].is_total.any() and "is_total" not in t["providers"]


def test_progress_shows_when_watched(monkeypatch):
    import sys

    from simulator.api import watched

    monkeypatch.setitem(sys.modules, "ipykernel", object())
    assert watched()
    monkeypatch.delitem(sys.modules, "ipykernel")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert not watched()


def test_the_commit_is_taken_before_the_run(monkeypatch):
    """git is asked once, before the populations exist (forking it from a process of several GB is slow), and the
    manifest records that answer."""
    from simulator import api

    asked = []
    monkeypatch.setattr(api, "git_commit", lambda: asked.append("start") or "abc123")
    monkeypatch.setattr(output, "git_commit", lambda: pytest.fail("git asked again at the end of the run"))
    result = simulator.run_scenario(small_scenario("run.end_year=2026"), report=False)
    assert asked == ["start"] and result.manifest["git_commit"] == "abc123"
