"""A PSA of the shared-savings scenario: wider than replications alone, variance shares that add up, one run table per draw."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.api import run_scenario

SMALL = ["population.size=20000", "run.end_year=2028", "run.replications=2"]


@pytest.fixture(scope="module")
def psa():
    return run_scenario("scenarios/shared_savings.toml", overrides=[*SMALL, "psa.draws=10"], workers=2, report=False)


def width(summary, figure="cumulative_impact_eur"):
    row = summary[(summary["payer"] == "all_payers") & (summary["figure"] == figure) & (summary["year"] == summary["year"].max())]
    return float(row["high"].iloc[0] - row["low"].iloc[0])


def test_psa_interval_is_wider_than_replications_alone(psa):
    """Against the scenario's own replications (the same two seeds): the parameters widen the band.

    Chance is large at small sizes: at 10,000 patients for 250,000 inhabitants, 12 or 20 replications alone gave a
    band as wide as this PSA's, whose 20 runs share two populations, and the parameters' share of the variance moved
    between 0.18 and above 0.3 with the population's realisation; at 20,000 it is about 0.9. A PSA at small size needs
    more replications per draw.
    """
    alone = run_scenario("scenarios/shared_savings.toml", overrides=SMALL, workers=2, report=False)
    assert width(psa.psa_summary) > width(alone.budget_summary)
    last = psa.psa_summary.query("payer == 'all_payers' and figure == 'cumulative_impact_eur'").iloc[-1]
    assert last["parameter_share"] > 0.3
    # the budget summary of a PSA run covers every draw and replication
    assert psa.budget_summary["replications"].max() == 20 and width(psa.budget_summary) == pytest.approx(width(psa.psa_summary))


def test_variance_shares_sum_to_about_one(psa):
    s = psa.psa_summary.dropna(subset=["parameter_share"])
    assert len(s) and ((s["parameter_share"] + s["stochastic_share"] - 1).abs() < 1e-9).all()
    assert s["probability_saving"].between(0, 1).all()
    ind = psa.tables["psa_indicators"].dropna(subset=["parameter_share"])
    assert {"avoidable_admissions_per_1000", "insurance_spending_per_capita"} <= set(ind["indicator"])
    assert ((ind["parameter_share"] + ind["stochastic_share"] - 1).abs() < 1e-9).all() and (ind["low"] <= ind["high"]).all()
    whole = psa.indicators.query("territory == 'all' and patient_group == 'all' and indicator == 'avoidable_admissions_per_1000'")
    sq = whole[whole["arm"] == "status_quo"].groupby("year")["value"].mean()
    assert np.allclose(ind[ind["indicator"] == "avoidable_admissions_per_1000"].set_index("year")["status_quo"].reindex(sq.index), sq)


def test_draws_share_replication_seeds_and_tables_hold_every_run(psa):
    draws = psa.psa_draws
    assert len(draws) == 20 and draws.groupby("draw_replication")["seed"].nunique().eq(1).all()  # common random numbers
    assert sorted(psa.budget_impact["replication"].unique()) == list(range(20))
    assert draws.groupby("draw")["reform.shared_savings.benchmark_error_sd"].nunique().eq(1).all()
    assert len(psa.psa_parameters) and psa.psa_parameters["parameter"].str.startswith("reform.").all()
