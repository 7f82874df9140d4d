"""The Dask executor gives exactly the local executor's results (a real LocalCluster on loopback)."""

from __future__ import annotations

import pandas as pd

from simulator.sweep import run_sweep


def test_dask_localcluster_matches_local_processes(make_sweep, tmp_path):
    from distributed import LocalCluster

    path = make_sweep(samples=2, replications=2)
    local = run_sweep(path, tmp_path / "local", workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        dask = run_sweep(path, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert dask.succeeded == local.succeeded == 4
    columns = ["run_id", "point", "replication", "seed", "outcome", "value", "status", "error"]
    pd.testing.assert_frame_equal(dask.results[columns], local.results[columns])
    pd.testing.assert_frame_equal(dask.design, local.design)
