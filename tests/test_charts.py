"""Charts: legends never cover plotted data (bounding boxes), intervals only with replications, no zero payer, SVG reruns byte for byte."""

from __future__ import annotations

import pandas as pd
import pytest

from simulator import charts
from simulator.api import run_scenario
from tests.conftest import small_data
from simulator.scenario import validate

PHASES = [{"kind": "virtual", "start_year": 2026}, {"kind": "voluntary", "start_year": 2027}, {"kind": "mandatory", "start_year": 2028}]


@pytest.fixture(scope="module")
def tables():
    data = small_data("population.size=10000", "territories[0].inhabitants=12000", "territories[1].inhabitants=8000",
                      "run.end_year=2028", "run.replications=2")
    data["reform"] = {"capitation": [{"scope": ["gp"], "weight": 0.5}], "reinvestment": {"share": 0.5}, "reference": {"size": 20_000},
                      "transition": {"phases": PHASES}}
    return run_scenario(validate(data), workers=2, report=False).tables


def every_chart(t: dict[str, pd.DataFrame]):
    return {"impact_by_payer": charts.impact_by_payer(t["budget_summary"], PHASES),
            "cumulative": charts.cumulative_and_npv(t["budget_summary"], PHASES, 0.03),
            "categories": charts.spending_by_category(t["annual"]), "revenue_change": charts.revenue_change(t["providers"]),
            "participation": charts.participation(t["participation"], PHASES), "shadow_gains": charts.shadow_gains(t["participation"]),
            "reinvestment": charts.reinvestment(t["reinvestment"], PHASES)}


def test_no_legend_overlaps_the_plotted_area(tables):
    import matplotlib.pyplot as plt

    checked = 0
    for name, draw in every_chart(tables).items():
        fig = charts.figure(draw)
        try:
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            axes = fig.axes[0].get_window_extent(renderer)
            for legend in fig.legends + [a.get_legend() for a in fig.axes if a.get_legend()]:
                box = legend.get_window_extent(renderer)
                assert not box.overlaps(axes), name
                assert box.x0 >= -1 and box.x1 <= fig.bbox.width + 1, f"{name}: legend cut at the figure's edge"
                checked += 1
        finally:
            plt.close(fig)
    assert checked >= 5


def test_interval_only_with_replications_and_no_zero_payer(tables):
    import matplotlib.pyplot as plt

    one = tables["budget_summary"].assign(replications=1)
    for summary, expect_band in ((tables["budget_summary"], True), (one, False)):
        fig = charts.figure(charts.impact_by_payer(summary))
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        plt.close(fig)
        assert any("interval" in x for x in labels) == expect_band
        assert not any("Flemish" in x or "Municipalities" in x for x in labels)  # payers with no money are not listed


def test_svg_is_deterministic_and_keeps_text(tables):
    draw = charts.cumulative_and_npv(tables["budget_summary"], PHASES, 0.03)
    one, two = charts.svg("cumulative", draw), charts.svg("cumulative", draw)
    assert one == two and one.startswith("<svg") and "net present value (3.0% a year)" in one and 'id="phase-virtual-2026"' in one
