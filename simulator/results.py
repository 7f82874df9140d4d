"""Tidy tables from the arms' ledgers and observers.

Money and counts are scaled to the inhabitants represented (`Cohort.weight`); rates are
not affected by the scaling. Every table has `arm` (where it applies), `replication`, `year`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from simulator.categories import CATEGORIES, CATEGORY_UNITS, ITEMS, MECHANISMS, PATIENT_GROUPS, PAYER_INDEX, PAYERS
from simulator.budget import budget_impact, budget_impact_detail, budget_summary
from simulator.model import HealthSystemModel
from simulator.observe import COUNTS, N_AGE_BANDS
from simulator.programmes.evaluations import evaluations
from simulator.patient_payments import ARM_PAYMENTS, by_income_type, pair_arm_payments, paying_more_tables
from simulator.savings import settlement_rows, with_true_savings
from simulator.scenario import Scenario

#: Categories covered by the sectors of the Court of Audit split used as the per-capita target
#: (physicians, hospitals, pharmaceuticals, nurses): all but rehabilitation, nursing homes and
#: physiotherapy (in the split's "other" sector).
TARGET_SECTOR_CATEGORIES: tuple[str, ...] = tuple(c for c in CATEGORIES if c not in ("rehabilitation", "nursing_home", "physiotherapy"))

#: indicator -> (numerator, denominator, multiplier); person_years = person_months / 12.
RATES: dict[str, tuple[str, str, float]] = {
    "admissions_per_1000": ("admissions", "person_years", 1000.0),
    "avoidable_admissions_per_1000": ("avoidable_admissions", "person_years", 1000.0),
    "readmission_rate": ("readmissions", "admissions", 1.0),
    "length_of_stay": ("bed_days", "admissions", 1.0),
    "bed_days_per_capita": ("bed_days", "person_years", 1.0),
    "day_cases_per_1000": ("day_cases", "person_years", 1000.0),
    "emergency_visits_per_1000": ("emergency_visits", "person_years", 1000.0),
    "gp_contacts_per_capita": ("gp_contacts", "person_years", 1.0),
    "gp_contact_coverage": ("gp_users", "persons", 1.0),
    "continuity_of_care": ("gp_contacts_usual", "gp_contacts", 1.0),
    "specialist_contacts_per_capita": ("specialist_contacts", "person_years", 1.0),
    "physiotherapy_sessions_per_capita": ("physiotherapy_sessions", "person_years", 1.0),
    "practice_nurse_contacts_per_capita": ("practice_nurse_contacts", "person_years", 1.0),
    "day_case_share": ("day_cases", "hospital_cases", 1.0),
    "mortality_per_1000": ("deaths", "person_years", 1000.0),
    "chronic_prevalence_15plus": ("chronic_15plus", "persons_15plus", 1.0),
    "multimorbidity_15plus": ("multimorbid_15plus", "persons_15plus", 1.0),
    "chronic_prevalence_75plus": ("chronic_75plus", "persons_75plus", 1.0),
    "chronic_prevalence": ("chronic_1_january", "persons_1_january", 1.0),
    "mean_risk_score": ("risk_score_1_january", "persons_1_january", 1.0),
    "mean_risk_score_capitated": ("risk_score_capitated_1_january", "persons_capitated_1_january", 1.0),
    "mean_risk_score_not_capitated": ("risk_score_not_capitated_1_january", "persons_not_capitated_1_january", 1.0),
    "out_of_pocket_per_capita": ("patient_payments", "person_years", 1.0),
    "insurance_spending_per_capita": ("insurance_payments", "person_years", 1.0),
    "insurance_spending_target_sectors_per_capita_price_year": ("insurance_target_sectors_price_year", "person_years", 1.0),
    "maf_refunds_per_capita": ("maf_refunds", "person_years", 1.0),
    "maf_reached_share": ("maf_reached", "persons", 1.0),
    "physiotherapy_insurance_per_capita_price_year": ("insurance_physiotherapy_price_year", "person_years", 1.0),
    "practice_nurse_insurance_per_capita_price_year": ("insurance_practice_nurse_price_year", "person_years", 1.0),
}


#: Rates also reported age-standardised (direct method) to the base year's population of 1 January,
#: by five-year band: they move only when behaviour or health change, not with ageing.
STANDARDISED: tuple[str, ...] = (
    "admissions_per_1000", "avoidable_admissions_per_1000", "bed_days_per_capita", "day_cases_per_1000",
    "emergency_visits_per_1000", "gp_contacts_per_capita", "specialist_contacts_per_capita", "chronic_prevalence", "mortality_per_1000",
)


def replication_tables(scenario: Scenario, arms: Mapping[str, HealthSystemModel], replication: int,
                       paying_more_table: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """All tables of one replication; with both arms, `paying_more_table` is who pays more, paired each December
    (`Replication.results`)."""
    per_arm = [{"annual": _annual(scenario, model), "activity": _activity(scenario, model),
                **_indicator_tables(scenario, model), "providers": _providers(scenario, model),
                "settlements": _settlements(model), "decisions": _decisions(model),
                "shadow_statements": _shadow_statements(scenario, model), "participation": _participation(model),
                "reinvestment": _reinvestment(model), "rates": _rates(model), **_programme_measures(scenario, model)}
               for model in arms.values()]
    out = concatenate(per_arm)
    out.update(paying_more_tables(scenario, {arm: model.regime.out_of_pocket for arm, model in arms.items()},
                                  next(iter(arms.values())).cohort, paying_more_table))
    for name, table in out.items():
        if name != ARM_PAYMENTS:
            table.insert(1, "replication", replication)
    return out


def pair_arms(status_quo: dict[str, pd.DataFrame], reform: dict[str, pd.DataFrame], scenario: Scenario) -> dict[str, pd.DataFrame]:
    """The tables of one replication whose two arms ran in two processes, with who pays more paired."""
    status_quo, reform = dict(status_quo), dict(reform)
    table = pair_arm_payments(status_quo.pop(ARM_PAYMENTS), reform.pop(ARM_PAYMENTS), [t.name for t in scenario.territories],
                              scenario.years)
    table.insert(1, "replication", int(status_quo["annual"]["replication"].iloc[0]))
    out = concatenate([status_quo, reform])
    out["patients_paying_more"] = table
    return out


def _grid(scenario: Scenario, model: HealthSystemModel, values: np.ndarray, dims: list[tuple[str, tuple[str, ...]]]) -> pd.DataFrame:
    """Long table from an array whose axes are year, then the named dimensions."""
    axes = [("year", tuple(scenario.years))] + dims
    index = pd.MultiIndex.from_product([labels for _, labels in axes], names=[name for name, _ in axes])
    frame = pd.DataFrame({"value": values.reshape(-1)}, index=index).reset_index()
    frame.insert(0, "arm", model.arm)
    return frame


POPULATIONS: tuple[str, ...] = ("rest", "target")  # with programmes: outside or inside a programme's target group


def _territory_group_axes(model: HealthSystemModel) -> list[tuple[str, tuple[str, ...]]]:
    """Territory, patient group and, with programmes, population (the last axes of money and volume arrays)."""
    axes = [("territory", model.layout.territory_names), ("patient_group", PATIENT_GROUPS)]
    return axes + ([("population", POPULATIONS)] if model.layout.n_populations == 2 else [])


def _groups(model: HealthSystemModel) -> tuple[int, ...]:
    """The shape of the group axis: territory, BIM and, with programmes, population."""
    lay = model.layout
    return (lay.n_territories, 2) + ((2,) if lay.n_populations == 2 else ())


def _money(scenario: Scenario, model: HealthSystemModel) -> np.ndarray:
    """[year, payer, mechanism, item, territory, group(, population)] euros, scaled to inhabitants."""
    n_years = len(scenario.years)
    return model.ledger.money.reshape((n_years, len(PAYERS), len(MECHANISMS), len(ITEMS)) + _groups(model)) * model.cohort.weight


def _annual(scenario: Scenario, model: HealthSystemModel) -> pd.DataFrame:
    """Money: arm x year x payer x mechanism x category (or none) x territory x patient group, euros."""
    dims = [("payer", PAYERS), ("mechanism", MECHANISMS), ("category", ITEMS)] + _territory_group_axes(model)
    return _grid(scenario, model, _money(scenario, model), dims).rename(columns={"value": "amount_eur"})


def _activity(scenario: Scenario, model: HealthSystemModel) -> pd.DataFrame:
    """Volumes: arm x year x category x territory x patient group, in each category's unit."""
    n_years = len(scenario.years)
    volume = model.ledger.volume.reshape((n_years, len(CATEGORIES)) + _groups(model)) * model.cohort.weight
    frame = _grid(scenario, model, volume, [("category", CATEGORIES)] + _territory_group_axes(model))
    frame = frame.rename(columns={"value": "volume"})
    frame["volume_unit"] = frame["category"].map(CATEGORY_UNITS)
    return frame


def _counts(scenario: Scenario, model: HealthSystemModel) -> dict[str, np.ndarray]:
    """Counters per [year, territory, group, population, age band], scaled, with the money ones added (in the last band)."""
    weight = model.cohort.weight
    n_years, n_pop = len(scenario.years), model.layout.n_populations
    shape = (n_years, -1, 2, n_pop, N_AGE_BANDS)
    counts = {name: model.observer.counts[:, i].reshape(shape) * weight for i, name in enumerate(COUNTS)}
    counts["person_years"] = counts["person_months"] / 12
    counts["hospital_cases"] = counts["day_cases"] + counts["admissions"]
    oop, n_t = model.regime.out_of_pocket, model.layout.n_territories
    counts["maf_reached"] = np.zeros((n_years, n_t, 2, n_pop, N_AGE_BANDS))  # people refunded under the MAF, in the last band
    counts["maf_reached"][..., -1] = oop.reached.reshape(n_years, n_t, 2, n_pop) * weight
    counts["persons_not_capitated_1_january"] = counts["persons_1_january"] - counts["persons_capitated_1_january"]
    counts["risk_score_not_capitated_1_january"] = counts["risk_score_1_january"] - counts["risk_score_capitated_1_january"]
    by_mechanism = _money(scenario, model).reshape((n_years, len(PAYERS), len(MECHANISMS), len(ITEMS), n_t, 2, n_pop))
    money = by_mechanism.sum(axis=2)  # [year, payer, item, territory, group, population]
    insurance = money[:, PAYER_INDEX["federal_insurance"]]
    price = np.array([(1 + scenario.tariffs.indexation) ** (y - scenario.tariffs.price_year) for y in scenario.years])
    target = [CATEGORIES.index(c) for c in TARGET_SECTOR_CATEGORIES]
    for name, value in (("patient_payments", money[:, PAYER_INDEX["patients"]].sum(axis=1)),
                        ("insurance_payments", insurance.sum(axis=1)),
                        ("maf_refunds", by_mechanism[:, PAYER_INDEX["federal_insurance"], MECHANISMS.index("maximum_billing")].sum(axis=1)),
                        ("insurance_target_sectors_price_year", insurance[:, target].sum(axis=1) / price[:, None, None, None]),
                        *((f"insurance_{c}_price_year", insurance[:, CATEGORIES.index(c)] / price[:, None, None, None])
                          for c in ("physiotherapy", "practice_nurse"))):
        banded = np.zeros(value.shape + (N_AGE_BANDS,))
        banded[..., -1] = value  # money is not kept by age: all of it in one band, so sums over bands are right
        counts[name] = banded
    return counts


def _indicators(scenario: Scenario, model: HealthSystemModel) -> pd.DataFrame:
    """Rates per territory, patient group and (with programmes) population, with 'all' totals, crude and
    age-standardised; spending concentration."""
    counts = _counts(scenario, model)
    territories = list(model.layout.territory_names)
    standard = counts["persons_1_january"][0].sum(axis=2)  # [territory, group, band]: the base year's population, equal in both arms
    split = model.layout.n_populations == 2
    populations = (("rest", [0]), ("target", [1]), ("all", [0, 1])) if split else (("all", [0]),)
    rows = []
    for t_label, t_sel in [(t, [i]) for i, t in enumerate(territories)] + [("all", list(range(len(territories))))]:
        for g_label, g_sel in (("non_bim", [0]), ("bim", [1]), ("all", [0, 1])):
            weights = standard[t_sel][:, g_sel].sum(axis=(0, 1))
            for p_label, p_sel in populations:
                pick = lambda a: a[:, t_sel][:, :, g_sel][:, :, :, p_sel].sum(axis=(1, 2, 3))  # noqa: E731,B023 - [year, band]
                labels = (t_label, g_label, p_label)
                for name, (num, den, mult) in RATES.items():
                    n_band, d_band = pick(counts[num]), pick(counts[den])
                    _rate_rows(rows, model.arm, scenario.years, labels, name, mult, n_band.sum(axis=1), d_band.sum(axis=1))
                    if name in STANDARDISED:
                        # direct standardisation: each band's rate applied to the standard population
                        rate = np.divide(n_band, d_band, out=np.zeros_like(n_band), where=d_band > 0)
                        expected = (rate * weights).sum(axis=1)
                        covered = np.where(d_band > 0, weights, 0.0).sum(axis=1)
                        _rate_rows(rows, model.arm, scenario.years, labels, f"{name}_age_standardised", mult, expected, covered)
    for y, year in enumerate(scenario.years):
        top5, top1, over = model.observer.concentration[y]
        for name, value in (("spending_share_top5pct", top5), ("spending_share_top1pct", top1), ("persons_over_100k_eur", over)):
            rows.append((model.arm, year, "all", "all", "all", name, value, np.nan, np.nan))
    columns = ["arm", "year", "territory", "patient_group", "population", "indicator", "value", "numerator", "denominator"]
    return pd.DataFrame(rows, columns=columns)


def _indicator_tables(scenario: Scenario, model: HealthSystemModel) -> dict[str, pd.DataFrame]:
    """`indicators` (whole population) and, with programmes, `indicators_by_population` (target | rest | all)."""
    frame = _indicators(scenario, model)
    whole = frame[frame["population"] == "all"].drop(columns="population").reset_index(drop=True)
    if model.layout.n_populations == 1:
        return {"indicators": whole}
    return {"indicators": whole, "indicators_by_population": frame}


def _rate_rows(rows: list, arm: str, years, labels: tuple[str, str, str], name: str, mult: float,
               numerator: np.ndarray, denominator: np.ndarray) -> None:
    """One row per year: value = mult * numerator / denominator (NaN where the denominator is 0)."""
    for y, year in enumerate(years):
        value = mult * numerator[y] / denominator[y] if denominator[y] > 0 else np.nan
        rows.append((arm, year, *labels, name, value, numerator[y], denominator[y]))


def _providers(scenario: Scenario, model: HealthSystemModel) -> pd.DataFrame:
    """Revenue per provider per year, by payer, euros: a row per provider and year, built column by column (not a dict
    per row: the national scenario has 148,000 rows)."""
    revenue = model.ledger.revenue * model.cohort.weight  # [year, provider, payer, mechanism]
    lay = model.layout
    contacts = np.stack([[np.bincount(lay.cell_gp, weights=v, minlength=lay.n_providers) for v in year]
                         for year in model.ledger.practice_volume]) * model.cohort.weight  # [year, gp | nurse, provider]
    providers = sorted(model.providers, key=lambda p: p.index)
    index, years = np.array([p.index for p in providers], np.int64), list(scenario.years)
    each = lambda values: values[:, index].T.ravel()  # noqa: E731  [year, provider] -> a row per provider, then year
    places = [lay.provider_place(lay.providers[p.index]) for p in providers]
    columns = {"arm": [model.arm] * (len(providers) * len(years)), "year": years * len(providers),
               "provider": [p.name for p in providers for _ in years], "kind": [p.kind for p in providers for _ in years],
               "territory": [where for where in places for _ in years], "revenue_eur": each(revenue.sum(axis=(2, 3)))}
    columns |= {f"from_{k}_eur": each(revenue[:, :, i].sum(axis=2)) for i, k in enumerate(PAYERS)}
    columns |= {f"by_{k}_eur": each(revenue[:, :, :, i].sum(axis=2)) for i, k in enumerate(MECHANISMS)}
    columns |= {"gp_contacts": each(contacts[:, 0]), "practice_nurse_contacts": each(contacts[:, 1])}
    return pd.DataFrame(columns)


def _settlements(model: HealthSystemModel) -> pd.DataFrame:
    """Yearly settlements (shared savings, guarantee and reinvestment per zone, bundles per episode type, P4P per indicator)."""
    return settlement_rows(model.arm, model.regime.settlements)


def _provider_labels(model: HealthSystemModel) -> pd.DataFrame:
    """Name, kind and zone of every provider, by dense id."""
    lay = model.layout
    return pd.DataFrame([{"provider_id": p.id, "provider": p.name, "kind": p.kind, "territory": lay.provider_place(p)}
                         for p in lay.providers])


def _shadow_statements(scenario: Scenario, model: HealthSystemModel) -> pd.DataFrame:
    """During a transition: per provider and year, what it was paid and what the reform (and the status quo) would have paid."""
    columns = ["arm", "year", "provider", "kind", "territory", "paid_eur", "would_have_been_paid_eur", "status_quo_eur", "difference_eur"]
    regime = model.regime
    if not regime.shadowing:
        return pd.DataFrame(columns=columns)
    w, labels = model.cohort.weight, _provider_labels(model)
    frames = []
    for y, year in enumerate(scenario.years):
        frame = labels.copy()
        frame["arm"], frame["year"] = model.arm, year
        frame["paid_eur"] = model.ledger.revenue[y].sum(axis=(1, 2)) * w
        frame["would_have_been_paid_eur"] = regime.shadow[y, :, 0] * w
        frame["status_quo_eur"] = regime.shadow[y, :, 1] * w
        frame["difference_eur"] = frame["would_have_been_paid_eur"] - frame["paid_eur"]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)[columns]


def _participation(model: HealthSystemModel) -> pd.DataFrame:
    """During a transition: each provider's phase, whether the reform pays it, and the shadow gain its choice read."""
    columns = ["arm", "year", "provider", "kind", "territory", "phase", "participating", "shadow_gain_eur", "expected_gain_eur"]
    if not model.regime.participation:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(model.regime.participation).rename(columns={"provider": "provider_id"}).merge(
        _provider_labels(model), on="provider_id")
    frame["arm"] = model.arm
    return frame[columns]


def _reinvestment(model: HealthSystemModel) -> pd.DataFrame:
    """Savings reinvested: per year, zone and intervention, the pot it came from, spend, units and effect."""
    columns = ["arm", "year", "territory", "intervention", "savings_year", "pot_eur", "spend_eur", "units", "effect"]
    if not model.regime.reinvestments:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(model.regime.reinvestments).assign(arm=model.arm)[columns]


MEASURE_COLUMNS = ["arm", "year", "programme", "population", "area", "person_years", "expected_eur", "benchmark_eur", "actual_eur",
                   "actual_per_person_year_eur", "expected_per_person_year_eur"]


def _programme_measures(scenario: Scenario, model: HealthSystemModel) -> dict[str, pd.DataFrame]:
    """With programmes: each programme's AIM-style measure per year for its four populations (target group and rest,
    in its zones and in the reference population)."""
    if not scenario.programmes:
        return {}
    book = model.regime.programmes
    if book is None or not book.measured:
        return {"programme_measures": pd.DataFrame(columns=MEASURE_COLUMNS)}
    return {"programme_measures": pd.DataFrame(book.measured).assign(arm=model.arm)[MEASURE_COLUMNS]}


def _rates(model: HealthSystemModel) -> pd.DataFrame:
    """Budget-neutral rates set by the optimiser: per year and line (risk cell, episode type), observed cost and rate."""
    columns = ["arm", "year", "line", "kind", "volume", "observed_eur", "rate_eur"]
    if not model.regime.rate_lines:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(model.regime.rate_lines).assign(arm=model.arm)[columns]


def _decisions(model: HealthSystemModel) -> pd.DataFrame:
    """One row per agent, year and decision: its output (`value`) and the inputs it weighed (expected gain, peer share, cost)."""
    frame = model.regime.agents.log.frame()
    lay = model.layout
    names = np.array([p.name for p in lay.providers], dtype=object)
    zones = np.array(lay.territory_names, dtype=object)
    ids = frame["agent_id"].to_numpy(np.int64)
    zone = frame["kind"].to_numpy() == "zone"
    agent = names[np.where(zone, 0, ids)]
    agent[zone] = zones[ids[zone]]
    frame["agent"] = agent
    frame["arm"] = model.arm
    return frame[["arm", "year", "kind", "agent", "decision", "value", "expected_gain_eur", "peer_share", "cost_eur"]]


def concatenate(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Each table of several parts (arms, or replications) stacked in the parts' order.

    An empty part is left out: concatenating it would turn every column into objects.
    """
    out = {}
    for name in parts[0]:
        filled = [p[name] for p in parts if len(p[name])]
        out[name] = pd.concat(filled, ignore_index=True) if filled else parts[0][name]
    return out


TOTAL_LABELS = {"payer": "all_payers", "territory": "all", "patient_group": "all", "population": "all"}


def mark_totals(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Add `is_total` to every table the data dictionary gives it (those whose keys can hold a total).

    It is true on rows that sum others (payer `all_payers`; territory, patient group or
    population `all`), so `table[~table.is_total].groupby(...).sum()` never counts twice.
    """
    from simulator.dictionary import TABLES

    out = {}
    for name, frame in tables.items():
        present = [c for c in TOTAL_LABELS if c in frame.columns]
        if name in TABLES and "is_total" in TABLES[name].columns and "is_total" not in frame.columns:
            total = np.zeros(len(frame), dtype=bool)
            for column in present:
                total |= frame[column].astype(str).to_numpy() == TOTAL_LABELS[column]
            frame = frame.assign(is_total=total)
        out[name] = frame
    return out


def combine(parts: list[dict[str, pd.DataFrame]], scenario: Scenario) -> dict[str, pd.DataFrame]:
    """Concatenate replications' tables (in replication order) and add the budget impact and its summary."""
    tables = concatenate(parts)
    annual = tables["annual"]
    used = annual.groupby(["payer", "mechanism", "category"])["amount_eur"].transform(lambda v: (v != 0).any())
    tables["annual"] = annual[used].reset_index(drop=True)  # drop payer x mechanism x item never used
    tables["budget_impact"] = budget_impact(tables["annual"], scenario.budget.discount_rate)
    tables["budget_summary"] = budget_summary(tables["budget_impact"], scenario.budget.interval)
    tables["budget_impact_detail"] = budget_impact_detail(tables["annual"])
    if len(tables["settlements"]):
        tables["settlements"] = with_true_savings(tables["settlements"], tables["annual"], scenario)
    tables["patient_payments"] = by_income_type(tables["annual"])
    if scenario.programmes:
        tables["evaluations"] = evaluations(tables, scenario)
    return tables


