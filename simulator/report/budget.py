"""The budget part of a report: the plain-language summary, the headline figures and the year x payer table."""

from __future__ import annotations

import html

import pandas as pd

from simulator.labels import label
from simulator.report.page import money

SIGN = ("Sign convention: figures are the reform minus the status quo, in million EUR at current prices; a positive figure "
        "is extra spending for that payer, a negative one a saving. \"All payers\" is federal insurance, the federated "
        "entities, municipalities and patients' own out-of-pocket payments together.")


def _total(summary: pd.DataFrame, year: int, figure: str, payer: str = "all_payers") -> pd.Series:
    return summary[(summary["year"] == year) & (summary["figure"] == figure) & (summary["payer"] == payer)].iloc[0]


def moving_payers(summary: pd.DataFrame) -> list[str]:
    """Payers whose impact is not zero in some year, all payers first."""
    from simulator.budget import payers_with_impact

    return ["all_payers", *payers_with_impact(summary)]


def summary_paragraph(tables: dict[str, pd.DataFrame], scenario: dict) -> str:
    """One paragraph: what the reform costs or saves over the horizon, for whom, how sure, and how to read the signs."""
    s, impact = tables["budget_summary"], tables["budget_impact"]
    first, last = int(s["year"].min()), int(s["year"].max())
    total = _total(s, last, "cumulative_impact_eur")
    runs = int(total["replications"])
    verb = "costs" if total["mean"] > 0 else "saves"
    text = (f"Over {first}–{last}, the reform ({html.escape(scenario['reform']['label'])}) {verb} all payers together "
            f"EUR {abs(total['mean']) / 1e6:,.1f} million")
    psa = tables.get("psa_summary")
    if runs > 1:
        text += f" (cumulative; {total['interval']:.0%} interval {total['low'] / 1e6:,.1f} to {total['high'] / 1e6:,.1f})".replace("-", "−")
    insurance = s[(s["year"] == last) & (s["figure"] == "cumulative_impact_eur") & (s["payer"] == "federal_insurance")]
    if len(insurance):
        text += f"; federal insurance's share is EUR {insurance['mean'].iloc[0] / 1e6:,.1f} million".replace("-", "−")
    npv = _total(s, last, "npv_eur")
    text += (f". Discounted at {scenario['budget']['discount_rate']:.1%} a year to {first}, the net present value is "
             f"EUR {npv['mean'] / 1e6:,.1f} million.").replace("-", "−")
    last_all = impact[(impact["year"] == last) & (impact["payer"] == "all_payers")]
    saving = float((last_all["cumulative_impact_eur"] < 0).mean())
    if psa is not None and len(psa):
        row = psa[(psa["year"] == last) & (psa["payer"] == "all_payers") & (psa["figure"] == "cumulative_impact_eur")].iloc[0]
        text += (f" Uncertainty covers {int(row['draws'])} draws of the uncertain parameters × {int(row['replications_per_draw'])} "
                 f"replication(s)")
        if row["parameter_share"] == row["parameter_share"]:
            text += f"; the parameters explain {row['parameter_share']:.0%} of the variance, chance {row['stochastic_share']:.0%}"
        text += f". The reform saves money in {row['probability_saving']:.0%} of the runs."
    elif runs > 1:
        text += (f" The interval reflects chance only ({runs} replications), not uncertainty in behavioural parameters "
                 f"(run with --psa for that). The reform saves money in {saving:.0%} of the replications.")
    else:
        text += " One replication: no interval (run with --replications or --psa)."
    return f'<p class="summary" id="summary">{text}</p>\n<p class="note" id="sign-convention">{html.escape(SIGN)}</p>'


def headline(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All payers: impact in the first and last year, cumulative, NPV at the horizon, with intervals."""
    summary = tables["budget_summary"]
    first, last = int(summary["year"].min()), int(summary["year"].max())
    rows = [(f"Impact {first}", first, "impact_eur", "impact_first"), (f"Impact {last}", last, "impact_eur", "impact_last"),
            (f"Cumulative impact {first}–{last}", last, "cumulative_impact_eur", "cumulative"),
            (f"Net present value {first}–{last}", last, "npv_eur", "npv"),
            (f"Status-quo spending {first}", first, "status_quo_eur", "status_quo_first")]
    out = []
    for name, year, figure, key in rows:
        r = _total(summary, year, figure)
        out.append({"figure": name, "mean": r["mean"], "low": r["low"], "high": r["high"], "key": key})
    return pd.DataFrame(out)


def headline_html(tables: dict[str, pd.DataFrame]) -> str:
    head = headline(tables)
    reps = int(tables["budget_summary"]["replications"].max())
    interval = float(tables["budget_summary"]["interval"].iloc[0])
    cols = f"<th>low ({(1 - interval) / 2:.0%})</th><th>high ({1 - (1 - interval) / 2:.0%})</th>" if reps > 1 else ""
    rows = "".join(f'<tr data-key="{r.key}"><td>{html.escape(r.figure)}</td>{money(r.mean)}'
                   + (money(r.low) + money(r.high) if reps > 1 else "") + "</tr>" for r in head.itertuples())
    return (f'<table id="headline"><tr><th>All payers (incl. patients), million EUR</th><th>mean</th>{cols}</tr>{rows}</table>'
            + ("" if reps > 1 else '<p class="note">One replication: no interval.</p>'))


def year_payer_html(tables: dict[str, pd.DataFrame]) -> str:
    """Impact per year (rows) and payer (columns: mean and interval), million EUR."""
    s = tables["budget_summary"]
    impact = s[s["figure"] == "impact_eur"]
    payers = moving_payers(s)
    reps = int(s["replications"].max())
    interval = float(s["interval"].iloc[0])
    span = 3 if reps > 1 else 1
    top = "<tr><th rowspan=\"2\">year</th>" + "".join(f'<th colspan="{span}">{html.escape(label(p))}</th>' for p in payers) + "</tr>"
    sub = "<tr>" + "".join("<th>mean</th>" + ('<th class="interval">low</th><th class="interval">high</th>' if reps > 1 else "")
                           for _ in payers) + "</tr>"
    body = []
    for year in sorted(impact["year"].unique()):
        cells = []
        for p in payers:
            r = impact[(impact["year"] == year) & (impact["payer"] == p)]
            r = r.iloc[0] if len(r) else pd.Series({"mean": 0.0, "low": 0.0, "high": 0.0})
            cells.append(money(r["mean"]) + (money(r["low"]) + money(r["high"]) if reps > 1 else ""))
        body.append(f"<tr><td>{int(year)}</td>{''.join(cells)}</tr>")
    caption = (f"<caption class=\"note\">Mean over {reps} runs and the central {interval:.0%} interval (low, high); payers "
               "with no impact in any year are left out.</caption>" if reps > 1 else
               "<caption class=\"note\">One replication: means only.</caption>")
    return f'<div class="wide"><table id="year-payer">{caption}{top}{sub}{"".join(body)}</table></div>'
