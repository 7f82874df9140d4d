"""The ledger posts every euro and refuses money created or lost."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.categories import CATEGORIES, CATEGORY_INDEX, PAYER_INDEX
from simulator.layout import build_layout
from simulator.ledger import ConservationError, Ledger
from simulator.payment.fee_for_service import FeeForService
from simulator.payment.statement import Statement


@pytest.fixture
def setup(scenario):
    layout = build_layout(scenario)
    rng = np.random.default_rng(0)
    volume = rng.poisson(3.0, (len(CATEGORIES), layout.n_cells)).astype(float)
    statement = FeeForService.status_quo(scenario).pay(volume, 2026, layout.cell_bim)
    return layout, volume, statement


def test_post_accumulates_money_by_payer_and_revenue_by_provider(setup):
    layout, volume, statement = setup
    ledger = Ledger(layout, n_years=1)
    ledger.post(0, volume, statement)
    ledger.post(0, volume, statement)
    total = 2 * statement.due.sum()
    assert ledger.money.sum() == pytest.approx(total)
    assert ledger.revenue.sum() == pytest.approx(total)
    nh = CATEGORY_INDEX["nursing_home"]
    assert ledger.money[0, PAYER_INDEX["federated_entities"], nh].sum() == pytest.approx(2 * statement.third_party[nh].sum())
    assert ledger.money[0, PAYER_INDEX["federal_insurance"], nh].sum() == 0
    assert ledger.money[0, PAYER_INDEX["patients"]].sum() == pytest.approx(2 * statement.patient.sum())
    # per provider: what it received equals what its cells were owed
    owed = np.bincount(layout.cell_provider.ravel(), weights=2 * statement.due.ravel(), minlength=layout.n_providers)
    np.testing.assert_allclose(ledger.revenue[0].sum(axis=1), owed)
    np.testing.assert_allclose(ledger.volume[0].sum(), 2 * volume.sum())


def test_ledger_refuses_a_statement_that_does_not_add_up(setup):
    layout, volume, statement = setup
    leaky = Statement(due=statement.due, patient=statement.patient, third_party=statement.third_party * 0.999)
    with pytest.raises(ConservationError, match="received"):
        Ledger(layout, 1).post(0, volume, leaky)
    inflated = statement.due.copy()
    inflated[0, 0] += 5.0
    with pytest.raises(ConservationError):
        Ledger(layout, 1).post(0, volume, Statement(inflated, statement.patient, statement.third_party))
