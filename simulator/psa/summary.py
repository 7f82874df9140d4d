"""What a PSA says: intervals from parameter and stochastic uncertainty, the share of each, and the chance of saving.

With K draws of R replications each, the variance of a figure over the K x R runs splits
exactly (law of total variance, population variances) into the mean variance within a
draw (stochastic: replication noise) and the variance of the draw means (parameter
uncertainty; with few replications it still holds some noise, 1/R of the stochastic part).
With one replication per draw the split is not estimable and the shares are left empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

IMPACT_FIGURES = ("impact_eur", "cumulative_impact_eur", "npv_eur")
SUMMARY_COLUMNS = ["year", "payer", "figure", "mean", "low", "high", "sd", "parameter_share", "stochastic_share",
                   "probability_saving", "interval", "draws", "replications_per_draw"]


def _spread(values: pd.Series, draw: pd.Series, per_draw: int, interval: float) -> dict[str, float]:
    """Mean, interval, sd and the parameter and chance shares of the variance of one figure over the PSA's runs."""
    v = values.to_numpy(dtype=float)
    low, high = (1 - interval) / 2, 1 - (1 - interval) / 2
    total = float(v.var())
    within = float(values.groupby(draw).var(ddof=0).mean())
    between = float(values.groupby(draw).mean().var(ddof=0))
    split = per_draw > 1 and total > 0
    return {"mean": float(v.mean()), "low": float(np.quantile(v, low)), "high": float(np.quantile(v, high)), "sd": float(v.std()),
            "parameter_share": between / total if split else np.nan, "stochastic_share": within / total if split else np.nan}


def _per_draw(draws: pd.DataFrame) -> int:
    return int(draws.groupby("draw").size().min()) if len(draws) else 0


def psa_summary(impact: pd.DataFrame, draws: pd.DataFrame, interval: float = 0.9) -> pd.DataFrame:
    """Per year, payer and impact figure: mean, interval over every run, variance shares, P(reform saves money)."""
    runs = impact.merge(draws[["replication", "draw"]], on="replication")
    per_draw = _per_draw(draws)
    rows = []
    for (year, payer), group in runs.groupby(["year", "payer"], sort=True):
        for figure in IMPACT_FIGURES:
            rows.append({"year": int(year), "payer": payer, "figure": figure, **_spread(group[figure], group["draw"], per_draw, interval),
                         "probability_saving": float((group[figure].to_numpy(dtype=float) < 0).mean()), "interval": interval,
                         "draws": int(group["draw"].nunique()), "replications_per_draw": per_draw})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


INDICATOR_COLUMNS = ["year", "indicator", "reform", "status_quo", "mean", "low", "high", "sd", "parameter_share", "stochastic_share",
                     "probability_lower", "interval", "draws", "replications_per_draw"]


def psa_indicators(indicators: pd.DataFrame, draws: pd.DataFrame, interval: float = 0.9) -> pd.DataFrame:
    """Per year and indicator of the whole population: each arm's mean (`reform`, `status_quo`), and the reform-minus-
    status-quo difference (`mean`, `low`, `high`, `sd`) over every run, its variance shares and the chance that the reform
    lowers it."""
    whole = indicators[(indicators["territory"] == "all") & (indicators["patient_group"] == "all")]
    wide = whole.pivot_table(index=["replication", "year", "indicator"], columns="arm", values="value", aggfunc="first").reset_index()
    if not {"reform", "status_quo"} <= set(wide.columns):
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    wide = wide.merge(draws[["replication", "draw"]], on="replication").dropna(subset=["reform", "status_quo"])
    wide["difference"] = wide["reform"] - wide["status_quo"]
    per_draw = _per_draw(draws)
    rows = []
    for (year, indicator), group in wide.groupby(["year", "indicator"], sort=True):
        rows.append({"year": int(year), "indicator": indicator, "reform": float(group["reform"].mean()),
                     "status_quo": float(group["status_quo"].mean()), **_spread(group["difference"], group["draw"], per_draw, interval),
                     "probability_lower": float((group["difference"].to_numpy() < 0).mean()), "interval": interval,
                     "draws": int(group["draw"].nunique()), "replications_per_draw": per_draw})
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def psa_parameters(impact: pd.DataFrame, draws: pd.DataFrame, figure: str = "cumulative_impact_eur") -> pd.DataFrame:
    """Per payer and uncertainty: how the last year's `figure`, averaged per draw, moves with the parameter.

    `rank_correlation` is Spearman's; `variance_explained` the R-squared of a straight line
    through the draw means, a one-at-a-time share that need not add up to 1 over parameters.
    """
    paths = [c for c in draws.columns if c not in ("replication", "draw", "draw_replication", "seed")]
    last = impact[impact["year"] == impact["year"].max()].merge(draws[["replication", "draw"]], on="replication")
    values = draws.drop_duplicates("draw").set_index("draw")[paths]
    rows = []
    for payer, group in last.groupby("payer", sort=True):
        y = group.groupby("draw")[figure].mean()
        for path in paths:
            x = pd.to_numeric(values.loc[y.index, path], errors="coerce")
            usable = bool(x.notna().all() and x.nunique() > 1 and y.nunique() > 1)
            rho = float(x.rank().corr(y.rank())) if usable else np.nan
            r = float(x.corr(y)) if usable else np.nan
            rows.append({"payer": payer, "figure": figure, "year": int(last["year"].max()), "parameter": path,
                         "rank_correlation": rho, "variance_explained": r * r if usable else np.nan})
    table = pd.DataFrame(rows, columns=["payer", "figure", "year", "parameter", "rank_correlation", "variance_explained"])
    return table.sort_values(["payer", "variance_explained"], ascending=[True, False], na_position="last").reset_index(drop=True)


def describe(tables: dict[str, pd.DataFrame]) -> str:
    """The PSA in a few lines: per payer, the last year's cumulative impact with its interval, P(saving), the variance shares."""
    s = tables["psa_summary"]
    last = s[(s["figure"] == "cumulative_impact_eur") & (s["year"] == s["year"].max())]
    if last.empty:
        return ""
    row0 = last.iloc[0]
    lines = [f"PSA: {int(row0['draws'])} parameter draws x {int(row0['replications_per_draw'])} replication(s); cumulative impact "
             f"to {int(row0['year'])}, EUR million (reform minus status quo; negative = saving), {row0['interval']:.0%} interval",
             f"  {'payer':<28}{'mean':>9}{'low':>9}{'high':>9}{'P(saves)':>10}{'parameters':>12}{'chance':>8}"]
    for r in last.itertuples():
        shares = (f"{r.parameter_share:>12.0%}{r.stochastic_share:>8.0%}" if r.parameter_share == r.parameter_share
                  else f"{'n/a':>12}{'n/a':>8}")
        lines.append(f"  {r.payer:<28}{r.mean / 1e6:>9.2f}{r.low / 1e6:>9.2f}{r.high / 1e6:>9.2f}{r.probability_saving:>10.0%}{shares}")
    lines.append("  (parameters / chance: shares of the variance; n/a with one replication per draw)")
    return "\n".join(lines)
