"""Hospital envelopes priced on the hospital's own base year: an identity computed by hand, and no rise in spending."""

from __future__ import annotations

import numpy as np

from tests.payment.test_regime import BEHAVIOUR_OFF, money, run


def test_a_base_year_envelope_is_the_first_years_own_status_quo_cost_uprated():
    t = run({"global_budget": {"basis": "base_year", "weight": 1.0}}, "run.end_year=2028", behaviour=BEHAVIOUR_OFF)
    envelope = money(t, "reform", "global_budget", "inpatient_stay", payer="federal_insurance")
    base = money(t, "status_quo", "fee_for_service", "inpatient_stay", payer="federal_insurance")
    assert 2026 not in envelope.index or envelope.loc[2026] == 0  # the base year is paid per act
    np.testing.assert_allclose(money(t, "reform", category="inpatient_stay").loc[2026], money(t, "status_quo", category="inpatient_stay").loc[2026],
                               rtol=1e-12)
    uprating = 1.02 ** np.arange(1, 3)  # indexation of 2 % a year, no real growth
    np.testing.assert_allclose(envelope.loc[[2027, 2028]].to_numpy(), base.loc[2026] * uprating, rtol=1e-9)
    assert money(t, "reform", "fee_for_service", "inpatient_stay", payer="federal_insurance").loc[[2027, 2028]].sum() == 0


def test_an_envelope_priced_at_the_status_quo_cost_does_not_raise_hospital_spending():
    """Nothing but the payment changes (behaviour off): over seeds, stay spending is the status quo's within noise."""
    gaps = []
    for seed in (1, 2, 3):
        t = run({"global_budget": {"basis": "base_year"}}, "population.size=50000", "run.end_year=2030", f"run.seed={seed}",
                behaviour=BEHAVIOUR_OFF)
        gaps.append(money(t, "reform", category="inpatient_stay").sum() / money(t, "status_quo", category="inpatient_stay").sum() - 1)
    assert np.mean(gaps) < 0.015, gaps  # measured: -0.3 %, -2.9 %, +0.9 %
    assert max(abs(g) for g in gaps) < 0.05, gaps
