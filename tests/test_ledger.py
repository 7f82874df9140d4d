"""The ledger posts every euro and refuses money created or lost."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.categories import CATEGORIES, CATEGORY_INDEX, MECHANISM_INDEX, NO_CATEGORY, PAYER_INDEX, PAYERS
from simulator.layout import build_layout
from simulator.ledger import ConservationError, Ledger
from simulator.payment.statement import Statement, Transfers


@pytest.fixture
def layout(scenario):
    return build_layout(scenario)


def fee_statement(layout, scale: float = 1.0) -> tuple[Statement, np.ndarray]:
    """100 EUR per (category, cell): the patient pays 20, insurance (the zone's federated entity for nursing homes) 80."""
    volume = np.ones((len(CATEGORIES), layout.n_cells))
    t = Transfers()
    items = np.broadcast_to(np.arange(len(CATEGORIES))[:, None], volume.shape)
    cells = np.broadcast_to(np.arange(layout.n_cells)[None, :], volume.shape)
    nh = CATEGORY_INDEX["nursing_home"]
    third = layout.cell_third_payer
    t.add("patients", "fee_for_service", items, cells, layout.cell_provider, 20.0 * volume)
    t.add(third, "fee_for_service", items, cells, layout.cell_provider, 80.0 * scale * volume)
    owed = np.bincount(layout.cell_provider.ravel(), weights=100.0 * volume.ravel(), minlength=layout.n_providers)
    return Statement(t, owed), volume


def test_post_accumulates_money_by_payer_mechanism_and_provider(layout):
    ledger = Ledger(layout, n_years=1)
    statement, volume = fee_statement(layout)
    ledger.post(0, statement, volume)
    ledger.post(0, statement, volume)
    total = 2 * 100.0 * volume.size
    assert ledger.money.sum() == pytest.approx(total)
    assert ledger.revenue.sum() == pytest.approx(total)
    nh = CATEGORY_INDEX["nursing_home"]
    ffs = MECHANISM_INDEX["fee_for_service"]
    entities = [PAYER_INDEX[e] for e in ("aviq", "flemish_community")]  # the small scenario's zones: Wallonia, Flanders
    assert ledger.money[0, entities, ffs, nh].sum() == pytest.approx(2 * 80.0 * layout.n_cells)
    assert (layout.cell_third_payer[nh] == np.where(layout.cell_territory == 0, PAYER_INDEX["aviq"], PAYER_INDEX["flemish_community"])).all()
    assert ledger.money[0, PAYER_INDEX["federal_insurance"], ffs, nh].sum() == 0
    assert ledger.money[0, PAYER_INDEX["patients"]].sum() == pytest.approx(2 * 20.0 * volume.size)
    np.testing.assert_allclose(ledger.revenue[0].sum(axis=(1, 2)), 2 * statement.owed)
    assert ledger.volume[0].sum() == pytest.approx(2 * volume.sum())


def test_negative_transfers_and_payments_without_category(layout):
    ledger = Ledger(layout, 1)
    t = Transfers()
    gp = layout.cell_gp[:2]
    t.add("federal_insurance", "shared_savings", NO_CATEGORY, np.array([0, 1]), gp, np.array([500.0, -200.0]))
    owed = np.bincount(gp, weights=[500.0, -200.0], minlength=layout.n_providers)
    ledger.post(0, Statement(t, owed))
    assert ledger.money[0, PAYER_INDEX["federal_insurance"], MECHANISM_INDEX["shared_savings"], NO_CATEGORY].sum() == pytest.approx(300)


def test_ledger_refuses_a_statement_that_does_not_add_up(layout):
    leaky, volume = fee_statement(layout, scale=0.999)
    with pytest.raises(ConservationError, match="received"):
        Ledger(layout, 1).post(0, leaky, volume)
    statement, volume = fee_statement(layout)
    inflated = statement.owed.copy()
    inflated[0] += 5.0
    with pytest.raises(ConservationError):
        Ledger(layout, 1).post(0, Statement(statement.transfers, inflated), volume)


def test_ledger_refuses_nan_and_infinite_postings(layout):
    statement, volume = fee_statement(layout)
    for bad in (np.nan, np.inf):
        t = Transfers()
        t.add("federal_insurance", "fee_for_service", 0, np.array([0]), layout.cell_gp[:1], np.array([bad]))
        owed = np.zeros(layout.n_providers)
        with pytest.raises(ConservationError, match="finite"):
            Ledger(layout, 1).post(0, Statement(t, owed))
    owed = statement.owed.copy()
    owed[0] = np.nan
    with pytest.raises(ConservationError, match="finite"):
        Ledger(layout, 1).post(0, Statement(statement.transfers, owed), volume)


def test_ledger_compares_payers_outflows_with_what_the_rules_say_each_payer_pays(layout):
    statement, volume = fee_statement(layout)
    n = volume.size
    nh_cells = layout.n_cells
    rules = np.zeros(len(PAYERS))
    rules[PAYER_INDEX["patients"]] = 20.0 * n
    for entity in ("aviq", "flemish_community"):
        rules[PAYER_INDEX[entity]] = 80.0 * (layout.cell_third_payer[CATEGORY_INDEX["nursing_home"]] == PAYER_INDEX[entity]).sum()
    rules[PAYER_INDEX["federal_insurance"]] = 80.0 * (n - nh_cells)
    Ledger(layout, 1).post(0, Statement(statement.transfers, statement.owed, rules), volume)  # the rules agree
    wrong = rules.copy()
    wrong[PAYER_INDEX["patients"]] += 10.0 * n  # the rules say patients pay 30 per claim, the transfers 20
    wrong[PAYER_INDEX["federal_insurance"]] -= 10.0 * n
    with pytest.raises(ConservationError, match="paid .* EUR but owes"):
        Ledger(layout, 1).post(0, Statement(statement.transfers, statement.owed, wrong), volume)


def test_offsetting_transfers_are_judged_against_the_money_that_moved(layout):
    """MAF refunds: +insurance and -patients to the sickness funds; large sums net to zero within rounding, a gap does not."""
    rng = np.random.default_rng(2)
    amount = rng.gamma(2.0, 1e6, layout.n_cells)
    admin = np.full(layout.n_cells, next(p.id for p in layout.providers if p.kind == "administration"))
    cells = np.arange(layout.n_cells)
    ok = Transfers()
    ok.add("federal_insurance", "maximum_billing", NO_CATEGORY, cells, admin, amount)
    ok.add("patients", "maximum_billing", NO_CATEGORY, cells[::-1], admin, -amount[::-1])  # another summation order
    Ledger(layout, 1).post(0, Statement(ok, np.zeros(layout.n_providers)))
    bad = Transfers()
    bad.add("federal_insurance", "maximum_billing", NO_CATEGORY, cells, admin, amount)
    bad.add("patients", "maximum_billing", NO_CATEGORY, cells, admin, -0.99 * amount)
    with pytest.raises(ConservationError, match="received"):
        Ledger(layout, 1).post(0, Statement(bad, np.zeros(layout.n_providers)))


def test_a_failed_posting_adds_nothing_and_a_transfer_out_of_range_is_refused(layout):
    ledger = Ledger(layout, 1)
    statement, volume = fee_statement(layout, scale=0.999)
    with pytest.raises(ConservationError):
        ledger.post(0, statement, volume)
    assert not ledger.money.any() and not ledger.revenue.any() and not ledger.volume.any()
    t = Transfers()
    t.add("federal_insurance", "fee_for_service", 0, np.array([0]), np.array([layout.n_providers]), np.array([5.0]))
    with pytest.raises(IndexError, match="out of range"):
        ledger.post(0, Statement(t, np.zeros(layout.n_providers)))
