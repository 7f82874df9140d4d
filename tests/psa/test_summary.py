"""The PSA's split of the variance and its probability of saving, against figures computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.psa.summary import psa_indicators, psa_parameters, psa_summary


def impact_of(values: dict[int, list[float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One year, one payer: draw -> the impact of its replications."""
    rows, draws = [], []
    for d, vs in values.items():
        for r, v in enumerate(vs):
            replication = d * len(vs) + r
            rows.append({"replication": replication, "year": 2026, "payer": "all_payers", "impact_eur": v,
                         "cumulative_impact_eur": v, "npv_eur": v})
            draws.append({"replication": replication, "draw": d, "draw_replication": r, "seed": r, "x": float(d)})
    return pd.DataFrame(rows), pd.DataFrame(draws)


def test_shares_by_hand():
    # draw means 1 and 5 (between-draw variance 4); within each draw values +-1 around the mean (within variance 1)
    impact, draws = impact_of({0: [0.0, 2.0], 1: [4.0, 6.0]})
    row = psa_summary(impact, draws).query("figure == 'impact_eur'").iloc[0]
    assert row["mean"] == 3.0 and row["sd"] == pytest.approx(np.sqrt(5.0))
    assert row["parameter_share"] == pytest.approx(4 / 5) and row["stochastic_share"] == pytest.approx(1 / 5)
    assert row["probability_saving"] == 0.0 and row["draws"] == 2 and row["replications_per_draw"] == 2


def test_probability_of_saving_and_no_split_with_one_replication():
    impact, draws = impact_of({0: [-1.0], 1: [-2.0], 2: [3.0], 3: [-4.0]})
    row = psa_summary(impact, draws).query("figure == 'impact_eur'").iloc[0]
    assert row["probability_saving"] == 0.75
    assert np.isnan(row["parameter_share"]) and np.isnan(row["stochastic_share"])


def test_shares_sum_to_one_on_noise():
    rng = np.random.default_rng(3)
    impact, draws = impact_of({d: list(d * 0.5 + rng.normal(0, 1, 4)) for d in range(10)})
    row = psa_summary(impact, draws).query("figure == 'npv_eur'").iloc[0]
    assert row["parameter_share"] + row["stochastic_share"] == pytest.approx(1.0)


def test_parameter_table_ranks_the_parameter_that_drives_the_outcome():
    impact, draws = impact_of({d: [2.0 * d, 2.0 * d + 0.1] for d in range(6)})
    table = psa_parameters(impact, draws)
    assert table.iloc[0]["parameter"] == "x" and table.iloc[0]["variance_explained"] == pytest.approx(1.0)
    assert table.iloc[0]["rank_correlation"] == pytest.approx(1.0)


def test_indicator_differences_by_hand():
    _, draws = impact_of({0: [0.0, 0.0], 1: [0.0, 0.0]})
    differences = {0: -1.0, 1: 1.0, 2: 3.0, 3: 5.0}  # draw means 0 and 4 (variance 4), +-1 within (variance 1)
    rows = []
    for replication, d in differences.items():
        for arm, value in (("status_quo", 10.0), ("reform", 10.0 + d)):
            rows.append({"arm": arm, "replication": replication, "year": 2026, "territory": "all", "patient_group": "all",
                         "indicator": "avoidable_admissions_per_1000", "value": value})
            rows.append({"arm": arm, "replication": replication, "year": 2026, "territory": "north", "patient_group": "all",
                         "indicator": "avoidable_admissions_per_1000", "value": 99.0})  # a zone: not the whole population
    row = psa_indicators(pd.DataFrame(rows), draws).iloc[0]
    assert row["status_quo"] == 10.0 and row["reform"] == 12.0 and row["mean"] == 2.0
    assert row["parameter_share"] == pytest.approx(4 / 5) and row["stochastic_share"] == pytest.approx(1 / 5)
    assert row["probability_lower"] == 0.25
