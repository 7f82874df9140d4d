"""Patients' side of the results: who pays more under the reform, and patients' savings by type of income.

The hospital pilot convention asks that patients do not pay more (Art. 7 5°) and that the
savings for patients be shown by type of income (BMF, fees, drugs, emergency, lab and
imaging, federated entities). `paying_more` pairs each patient's out-of-pocket of a year in
the two arms (they are the same people, on the same draws); `by_income_type` regroups the
patients' payments of the `annual` table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from simulator.categories import PATIENT_GROUPS
from simulator.payment.out_of_pocket import OutOfPocket
from simulator.population import Cohort
from simulator.scenario import Scenario

#: Type of income (hospital pilot convention) of each money item.
INCOME_TYPE: dict[str, str] = {
    "gp": "fees", "specialist": "fees", "inpatient_fees": "fees", "day_case": "fees", "rehabilitation": "fees",
    "lab_imaging": "lab_imaging", "drugs": "drugs", "emergency": "emergency", "inpatient_stay": "bmf",
    "home_nursing": "extramural", "physiotherapy": "extramural", "practice_nurse": "extramural",
    "nursing_home": "federated_entities", "none": "maximum_billing_refunds",
}
PAYS_MORE_EUR = 1.0  # more out-of-pocket in the year than in the status quo by over this: pays more


def paying_more(status_quo: np.ndarray, reform: np.ndarray, present: np.ndarray, territory: np.ndarray, bim: np.ndarray,
                territories: Sequence[str], years: Sequence[int], weight: float) -> pd.DataFrame:
    """Per year, zone and patient group (with 'all'): people present, those paying more, their share and mean extra euros.

    Arrays are [year, patient]: out-of-pocket in each arm, presence (either arm), zone index;
    `bim` is [patient].
    """
    rows = []
    group = bim.astype(np.int64)
    n_t = len(territories)
    for y, year in enumerate(years):  # a year at a time: [patient] temporaries only
        extra = reform[y].astype(np.float64) - status_quo[y].astype(np.float64)
        more = present[y] & (extra > PAYS_MORE_EUR)
        key = territory[y].astype(np.int64) * 2 + group
        persons = np.bincount(key[present[y]], minlength=2 * n_t).reshape(n_t, 2)
        payers = np.bincount(key[more], minlength=2 * n_t).reshape(n_t, 2)
        amount = np.bincount(key[more], weights=extra[more], minlength=2 * n_t).reshape(n_t, 2)
        for t_name, t_sel in [(name, [i]) for i, name in enumerate(territories)] + [("all", list(range(n_t)))]:
            for g_name, g_sel in [(name, [i]) for i, name in enumerate(PATIENT_GROUPS)] + [("all", [0, 1])]:
                p = persons[np.ix_(t_sel, g_sel)].sum()
                m = payers[np.ix_(t_sel, g_sel)].sum()
                a = amount[np.ix_(t_sel, g_sel)].sum()
                rows.append({"year": year, "territory": t_name, "patient_group": g_name, "persons": float(p * weight),
                             "paying_more": float(m * weight), "share_paying_more": float(m / p) if p else 0.0,
                             "mean_extra_eur": float(a / m) if m else 0.0})
    return pd.DataFrame(rows)


def arm_payments(paid: np.ndarray, present: np.ndarray, territory: np.ndarray, bim: np.ndarray, years: Sequence[int],
                 weight: float) -> pd.DataFrame:
    """One arm's out-of-pocket for pairing with the other arm run in another process.

    A row per patient slot (the same slots in both arms) and a float32 column per year, NaN
    where the patient was absent; `territory` and `bim` are [patient]. About 4 B per
    patient-year, so two arms' worth fits beside a national run.
    """
    frame = pd.DataFrame(np.where(present, paid, np.float32(np.nan)).T, columns=[str(y) for y in years])
    frame.insert(0, "territory_index", territory.astype(np.int16))
    frame.insert(1, "bim", bim.astype(np.uint8))
    frame.insert(2, "weight", np.float64(weight))
    return frame


def pair_arm_payments(status_quo: pd.DataFrame, reform: pd.DataFrame, territories: Sequence[str], years: Sequence[int]) -> pd.DataFrame:
    """`paying_more` from the two arms' `arm_payments` of one replication (absent in an arm: nothing paid there)."""
    columns = [str(y) for y in years]
    raw = [arm[columns].to_numpy(np.float32).T for arm in (status_quo, reform)]  # [year, patient], views where pandas can
    present = ~np.isnan(raw[0]) | ~np.isnan(raw[1])
    sq, rf = (np.nan_to_num(a) for a in raw)
    territory = np.broadcast_to(status_quo["territory_index"].to_numpy(), sq.shape)
    weight = float(status_quo["weight"].iloc[0]) if len(status_quo) else 1.0
    return paying_more(sq, rf, present, territory, status_quo["bim"].to_numpy(), territories, years, weight)


ARM_PAYMENTS = "_arm_payments"  # the table of one arm's patients' payments, when its replication's arms run apart


def paying_more_tables(scenario: Scenario, out_of_pocket: Mapping[str, OutOfPocket], cohort: Cohort,
                       table: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Who pays more under the reform: with both arms, `table` as paired each December (`Replication.results`); with
    one arm, its payments (`arm_payments`) for pairing with the other's."""
    if len(out_of_pocket) == 2:
        if table is None:
            raise ValueError("both arms keep only the year's payments, paired each December: take the tables from Replication.results")
        return {"patients_paying_more": table}
    (o,) = out_of_pocket.values()
    return {ARM_PAYMENTS: arm_payments(o.paid, o.present, cohort.territory, cohort.bim, scenario.years, cohort.weight)}


def by_income_type(annual: pd.DataFrame) -> pd.DataFrame:
    """Patients' payments per replication, year, zone, patient group and type of income: status quo, reform, savings."""
    patients = annual[annual["payer"] == "patients"].assign(income_type=lambda a: a["category"].map(INCOME_TYPE))
    keys = ["replication", "year", "territory", "patient_group", "income_type"]
    table = patients.groupby(keys + ["arm"], sort=True, observed=True)["amount_eur"].sum().unstack("arm", fill_value=0.0).reset_index()
    table.columns.name = None
    for arm in ("status_quo", "reform"):
        if arm not in table:
            table[arm] = 0.0
    table = table.rename(columns={"status_quo": "status_quo_eur", "reform": "reform_eur"})
    table["savings_eur"] = table["status_quo_eur"] - table["reform_eur"]
    return table[keys + ["status_quo_eur", "reform_eur", "savings_eur"]]
