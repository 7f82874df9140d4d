"""Zone settlements with a data lag: paid when the measure is known, reinvested from the January after, never lost."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.api import run_scenario
from simulator.scenario import validate
from tests.conftest import small_data


def zone_rules(lag: int) -> dict[str, pd.DataFrame]:
    data = small_data("run.end_year=2029", "reform.reference.size=10000")
    measurement = {"data_lag_quarters": lag}
    data["reform"] = {**data.get("reform", {}),
                      "shared_savings": {"minimum_savings_rate": 0.0, "quality_gate": 0.0, "sharing_rate": 0.5, **measurement},
                      "budget_guarantee": {"share": 0.5, "measurement": measurement},
                      "reinvestment": {"share": 0.5, "measurement": measurement}}
    return run_scenario(validate(data), progress=False).tables


@pytest.fixture(scope="module")
def runs() -> dict[int, dict[str, pd.DataFrame]]:
    return {lag: zone_rules(lag) for lag in (0, 4)}


def wide(tables: dict[str, pd.DataFrame], mechanism: str) -> pd.DataFrame:
    s = tables["settlements"]
    return s[s["mechanism"] == mechanism].pivot_table(index=["year", "unit"], columns="measure", values="value", aggfunc="sum")


def test_a_lag_of_four_quarters_pays_each_settlement_a_year_later(runs):
    for mechanism in ("shared_savings", "budget_guarantee"):
        now, later = wide(runs[0], mechanism), wide(runs[4], mechanism)
        years = now.index.get_level_values("year")
        assert (now["due_year"].to_numpy() == years).all()
        assert (later["due_year"].to_numpy() == years + 1).all()
        paid_now = runs[0]["annual"].query("arm == 'reform' and mechanism == @mechanism").groupby("year")["amount_eur"].sum()
        paid_later = runs[4]["annual"].query("arm == 'reform' and mechanism == @mechanism").groupby("year")["amount_eur"].sum()
        assert paid_later.get(2026, 0.0) == 0.0
        measured_2026 = later.xs(2026, level="year")["payment_eur"].sum()
        assert measured_2026 != 0 and paid_later[2027] == pytest.approx(measured_2026, rel=1e-9)
        assert paid_now[2026] == pytest.approx(now.xs(2026, level="year")["payment_eur"].sum(), rel=1e-9)


def test_settlements_due_after_the_horizon_are_shown_and_not_paid(runs):
    s = runs[4]["settlements"]
    last = s[(s["year"] == 2029) & (s["measure"] == "payment_eur") & s["mechanism"].isin(["shared_savings", "budget_guarantee"])]
    assert last.loc[last["paid"], "value"].abs().sum() == 0 and last.loc[~last["paid"], "value"].abs().sum() > 0
    paid = s[(s["measure"] == "payment_eur") & s["paid"] & s["mechanism"].isin(["shared_savings", "budget_guarantee"])]["value"].sum()
    ledger = runs[4]["annual"].query("arm == 'reform' and mechanism in ('shared_savings', 'budget_guarantee')")["amount_eur"].sum()
    assert paid == pytest.approx(ledger, rel=1e-9)  # what the table says was paid is what the ledger holds


def test_the_lag_moves_reinvestment_to_the_january_after_the_gain_is_known(runs):
    for lag, first in ((0, 2027), (4, 2028)):
        r = runs[lag]["reinvestment"]
        spent = r.groupby("year")["spend_eur"].sum()
        assert spent[spent > 0].index.min() == first
        assert set(r.loc[r["spend_eur"] > 0, "savings_year"]) <= set(np.arange(2026, 2030))
        funded = wide(runs[lag], "reinvestment")["funded_year"]
        assert (funded.to_numpy() == funded.index.get_level_values("year") + (1 if lag == 0 else 2)).all()
