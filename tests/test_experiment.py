"""Two arms on one population: common random numbers, zero impact when identical, reproducibility."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.categories import CATEGORY_INDEX
from simulator.experiment import Replication, replication_seed, simulate
from tests.conftest import small_scenario


def test_identical_arms_give_exactly_zero_impact(scenario):
    tables = simulate(scenario, 0)
    impact = tables["annual"].pivot_table(index=["year", "payer", "mechanism", "category", "territory", "patient_group"],
                                          columns="arm", values="amount_eur", aggfunc="sum")
    assert (impact["reform"] == impact["status_quo"]).all()
    ind = tables["indicators"].set_index(["arm", "year", "territory", "patient_group", "indicator"])["value"]
    pd.testing.assert_series_equal(ind.loc["reform"], ind.loc["status_quo"])


def test_tariff_reform_without_supply_response_changes_money_not_care():
    s = small_scenario("reform.fee_for_service.tariff_change.gp=0.1", "reform.behaviour.supply_elasticity.gp=0",
                       "reform.behaviour.demand_elasticity=0")
    tables = simulate(s, 0)
    act = tables["activity"].pivot_table(index=["year", "category", "territory", "patient_group"], columns="arm", values="volume")
    assert (act["reform"] == act["status_quo"]).all()  # same draws, no response switched on
    money = tables["annual"].groupby(["arm", "category"])["amount_eur"].sum().unstack("arm")
    assert money.loc["gp", "reform"] == pytest.approx(1.1 * money.loc["gp", "status_quo"], rel=1e-12)
    assert (money.drop(["gp", "none"])["reform"] == money.drop(["gp", "none"])["status_quo"]).all()
    refunds = tables["annual"].query("category == 'none'").groupby(["arm", "mechanism"])["amount_eur"].sum().unstack("arm")
    moved = refunds[refunds["reform"] != refunds["status_quo"]]
    assert set(moved.index) <= {"maximum_billing"}  # dearer GP co-payments reach the MAF ceiling sooner: only refunds move


def test_arms_share_every_draw_each_month(scenario):
    run = Replication.build(scenario, replication_seed(scenario, 0))
    run.step(0)
    sq, reform = run.arms["status_quo"].state, run.arms["reform"].state
    assert np.array_equal(sq.alive, reform.alive) and np.array_equal(sq.conditions, reform.conditions)
    assert run.arms["status_quo"].cohort is run.arms["reform"].cohort


def test_same_seed_same_tables_and_changed_seed_changes_them(scenario):
    a, b = simulate(scenario, 0), simulate(scenario, 0)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    c = simulate(small_scenario("run.seed=8"), 0)
    assert not a["annual"]["amount_eur"].equals(c["annual"]["amount_eur"])
    assert not simulate(scenario, 1)["annual"]["amount_eur"].equals(a["annual"]["amount_eur"])


def test_money_conserved_and_category_totals_add_up(scenario):
    tables = simulate(scenario, 0)
    annual = tables["annual"]
    for (arm, year), part in annual.groupby(["arm", "year"]):
        by_category = part.groupby("category")["amount_eur"].sum()
        assert by_category.sum() == pytest.approx(part["amount_eur"].sum(), rel=1e-12)
        revenue = tables["providers"].query("arm == @arm and year == @year")["revenue_eur"].sum()
        assert revenue == pytest.approx(part["amount_eur"].sum(), rel=1e-9)  # paid == received
    nh = annual[annual["category"] == "nursing_home"].groupby("payer")["amount_eur"].sum()
    assert nh["federal_insurance"] == 0 and nh["aviq"] > 0 and nh["flemish_community"] > 0  # each zone's own entity
    assert CATEGORY_INDEX["nursing_home"] >= 0


def test_monthly_ledger_check_runs_in_the_loop(scenario, monkeypatch):
    from simulator import ledger

    calls = []
    original = ledger.Ledger.check
    monkeypatch.setattr(ledger.Ledger, "check", staticmethod(lambda *a: calls.append(1) or original(*a)))
    simulate(scenario, 0)
    months, years = 12 * len(scenario.years), len(scenario.years)
    assert len(calls) == 2 * (months + years + 1)  # every month, every year-end settlement, the horizon close; both arms


def test_higher_tariff_with_supply_response_raises_volume_only_where_paid():
    s = small_scenario("reform.fee_for_service.tariff_change.gp=0.2", "reform.behaviour.demand_elasticity=0")  # supply alone
    act = simulate(s, 0)["activity"].groupby(["category", "arm"])["volume"].sum().unstack("arm")
    assert act.loc["gp", "reform"] > act.loc["gp", "status_quo"] * 1.02
    assert act.loc["specialist", "reform"] == act.loc["specialist", "status_quo"]


def test_a_finished_replication_leaves_no_model_in_mesa_s_registry():
    import mesa

    before = len(mesa.Agent._ids)
    simulate(small_scenario("run.end_year=2026"), 0)
    assert len(mesa.Agent._ids) == before  # else a calibration or sweep process grows by a population per run


def test_arms_in_threads_give_the_tables_of_arms_in_turn(monkeypatch):
    """Each arm's monthly work in a thread of its own changes nothing, with a reform that moves money and care."""
    from simulator import experiment
    from simulator.care import month as care_month_module

    s = small_scenario("reform.fee_for_service.tariff_change.gp=0.1", "reform.shared_savings={sharing_rate=0.5}", "run.end_year=2026")
    default = care_month_module.kernel_threads()
    tables = []
    for threads, minimum in ((1, experiment.MIN_SLOTS_FOR_THREADS), (2, 0)):
        care_month_module.set_threads(threads)
        monkeypatch.setattr(experiment, "MIN_SLOTS_FOR_THREADS", minimum)
        assert (experiment._each_arm(2, 10).__name__ == "threaded") == (threads == 2)
        tables.append(simulate(s, 0))
    care_month_module.set_threads(default)
    for name, frame in tables[0].items():
        pd.testing.assert_frame_equal(frame, tables[1][name], obj=name)
    assert (tables[0]["annual"].groupby("arm")["amount_eur"].sum().diff().abs() > 0).any()


def test_both_arms_keep_one_year_of_patients_payments_and_pair_it_each_december():
    from simulator.results import replication_tables

    s = small_scenario("reform.fee_for_service.copayment_change.specialist=0.5", "run.end_year=2027")
    together = Replication.build(s, replication_seed(s, 0))
    alone = Replication.build(s, replication_seed(s, 0), arms=("reform",))
    assert together.arms["reform"].regime.out_of_pocket.paid.shape[0] == 1  # the year's row only
    assert alone.arms["reform"].regime.out_of_pocket.paid.shape[0] == len(s.years)  # every year, for pairing later
    for step in range(together.months):
        together.step(step)
    assert len(together.paying_more) == len(s.years)
    table = together.results(0)["patients_paying_more"]
    assert sorted(table["year"].unique()) == list(s.years) and (table["paying_more"] > 0).any()
    with pytest.raises(ValueError, match="Replication.results"):
        replication_tables(s, together.arms, 0)


def test_the_tables_do_not_read_the_patients_arrays_freed_at_the_end():
    """`simulate` frees each patient's yearly volumes and maximum-billing sums before the tables: they come out the same."""
    s = small_scenario("reform.fee_for_service.copayment_change.specialist=0.5", "run.end_year=2027")
    runs = [Replication.build(s, replication_seed(s, 0)) for _ in range(2)]
    for run in runs:
        for step in range(run.months):
            run.step(step)
    for model in runs[1].arms.values():
        model.release_patients()
        assert model.observer.volume_year.size == 0 and model.regime.out_of_pocket.counted.size == 0
    kept, freed = (run.results(0) for run in runs)
    for name, frame in kept.items():
        pd.testing.assert_frame_equal(frame, freed[name], obj=name)


def test_the_cohort_frees_its_entry_states_once_the_arms_hold_their_own():
    run = Replication.build(small_scenario("population.size=10000", "run.end_year=2026"), 2)
    assert run.cohort.cell is None and run.cohort.conditions is None and run.cohort.frailty is None
    sq, rf = (run.arms[arm].state for arm in ("status_quo", "reform"))
    assert sq.cell is not rf.cell and sq.conditions is not rf.conditions
    np.testing.assert_array_equal(sq.cell, rf.cell)
    for step in range(3):
        run.step(step)  # nothing reads them afterwards
