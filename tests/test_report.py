"""Reports: numbers equal the tables; pages load in headless Chromium with every chart drawn, no errors, no network."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import simulator
from tests.conftest import ROOT
from simulator.report import read_run, write_run_report
from simulator.scenario import validate
from tests.conftest import small_data
from tests.test_cli import simsim

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    """A small transition run with reinvestment, so that every chart has something to draw."""
    data = small_data("population.size=10000", "territories[0].inhabitants=12000", "territories[1].inhabitants=8000",
                      "run.end_year=2029", "run.replications=2")
    data["reform"] = {"capitation": [{"scope": ["gp"], "weight": 0.5}], "reinvestment": {"share": 0.5},
                      "reference": {"size": 20_000},
                      "transition": {"phases": [{"kind": "virtual", "start_year": 2026}, {"kind": "voluntary", "start_year": 2027},
                                                {"kind": "mandatory", "start_year": 2029}]}}
    folder = tmp_path_factory.mktemp("report") / "run"
    simulator.run_scenario(validate(data), out=folder, workers=2)
    return folder


def headline_values(page: str) -> dict[str, float]:
    return {k: float(v) for k, v in re.findall(r'<tr data-key="(\w+)"><td>[^<]*</td><td data-value="([^"]+)"', page)}


def test_report_numbers_equal_the_tables(run_folder):
    values = headline_values((run_folder / "report.html").read_text(encoding="utf-8"))
    summary = pd.read_parquet(run_folder / "budget_summary.parquet").query("payer == 'all_payers'")
    mean = summary.pivot_table(index="year", columns="figure", values="mean")
    assert values["cumulative"] == pytest.approx(mean.loc[2029, "cumulative_impact_eur"], rel=1e-12)
    assert values["npv"] == pytest.approx(mean.loc[2029, "npv_eur"], rel=1e-12)
    assert values["impact_first"] == pytest.approx(mean.loc[2026, "impact_eur"], rel=1e-12)
    impact = pd.read_parquet(run_folder / "budget_impact.parquet").query("payer == 'all_payers' and year == 2029")
    assert values["impact_last"] == pytest.approx(impact["impact_eur"].mean(), rel=1e-12)


def test_report_shows_who_pays_more_and_patients_savings_as_in_the_tables(run_folder):
    page = (run_folder / "report.html").read_text(encoding="utf-8")
    assert 'id="paying-more"' in page and 'id="patient-savings"' in page
    more = pd.read_parquet(run_folder / "patients_paying_more.parquet")
    assert set(more["patient_group"]) == {"non_bim", "bim", "all"} and more["replication"].nunique() == 2
    paid = pd.read_parquet(run_folder / "patient_payments.parquet")
    annual = pd.read_parquet(run_folder / "annual.parquet").query("payer == 'patients'").groupby("arm")["amount_eur"].sum()
    assert paid["savings_eur"].sum() == pytest.approx(annual["status_quo"] - annual["reform"], rel=1e-9)


def test_report_is_self_contained_small_and_regenerated(run_folder):
    page = (run_folder / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']https?:""", page) and "@import" not in page and "<script" not in page
    assert (run_folder / "report.html").stat().st_size < 5 * 1024 * 1024
    assert len(re.findall(r'<figure class="chart"', page)) == 7 and "<img" not in page
    (run_folder / "report.html").unlink()
    write_run_report(run_folder)
    assert headline_values((run_folder / "report.html").read_text(encoding="utf-8")) == headline_values(page)


def test_report_command_refuses_a_folder_that_is_not_a_run(tmp_path):
    done = simsim("report", str(tmp_path))
    assert done.returncode == 2 and "RUN_FOLDER" in done.stderr and "Traceback" not in done.stderr


def test_compare_says_what_runs_do_not_share(run_folder, tmp_path):
    shorter = tmp_path / "short"
    data = small_data("population.size=10000", "territories[0].inhabitants=12000", "territories[1].inhabitants=8000")
    simulator.run_scenario(validate(data), out=shorter)
    done = simsim("compare", str(run_folder), str(shorter), "--out", str(tmp_path / "cmp"))
    assert done.returncode == 0, done.stderr
    assert "years 2028-2029 are not in every run" in done.stdout
    table = pd.read_csv(tmp_path / "cmp" / "compare.csv")
    assert set(table["payer"]) >= {"all_payers", "federal_insurance"} and set(table["years"]) == {"2026-2027"}
    table = table[table["payer"] == "all_payers"].reset_index(drop=True)
    assert list(table["run"]) == ["run", "short"]
    assert (table["impact_low_MEUR"] <= table["impact_MEUR"]).all() and (table["impact_MEUR"] <= table["impact_high_MEUR"]).all()
    assert "status-quo totals differ" in done.stdout and "replications" in done.stdout  # 2 replications against 1
    again = simsim("compare", str(run_folder), str(shorter), "--out", str(tmp_path / "cmp"))
    assert again.returncode == 2 and "--overwrite" in again.stderr
    tables, _ = read_run(run_folder)
    bi = tables["budget_impact"].query("payer == 'all_payers' and year <= 2027")
    assert table.loc[0, "impact_MEUR"] == pytest.approx(bi.groupby("replication")["impact_eur"].sum().mean() / 1e6, rel=1e-9)


@pytest.mark.skipif(not CHROMIUM and not os.environ.get("CI"), reason="chromium not installed (.ci/run installs it)")
def test_report_and_comparison_load_in_headless_chromium(run_folder, tmp_path):
    """The transition report in a real browser: summary, year x payer table with intervals, phase markers, Quintuple Aim with units."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium is required in CI"
    simsim("compare", str(run_folder), str(run_folder), "--out", str(tmp_path / "cmp"))
    pages = {"report": run_folder / "report.html", "compare": tmp_path / "cmp" / "compare.html"}
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            for name, path in pages.items():
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                errors, outside = [], []
                page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                           else (outside.append(route.request.url), route.abort()))
                page.goto(path.as_uri())
                charts = page.eval_on_selector_all("figure.chart svg", "els => els.map(e => [e.closest('figure').id, "
                                                   "e.getBoundingClientRect().width, e.getBoundingClientRect().height, "
                                                   "e.querySelectorAll('path, use, rect').length])")
                assert charts, name
                for chart_id, width, height, shapes in charts:
                    assert width > 300 and height > 150 and shapes > 20, (name, chart_id, width, height, shapes)
                if name == "report":
                    summary = page.inner_text("#summary")
                    assert summary.startswith("Over 2026–2029, the reform") and "interval" in summary
                    assert "negative one a saving" in page.inner_text("#sign-convention")
                    heads = page.eval_on_selector_all("#year-payer th", "els => els.map(e => e.textContent)")
                    assert {"year", "mean", "low", "high", "All payers (incl. patients)"} <= set(heads)
                    assert page.locator("#year-payer tr").count() == 2 + 4  # two header rows, four years
                    for chart_id in ("impact_by_payer", "cumulative", "participation"):
                        kinds = page.eval_on_selector_all(f"#{chart_id} g[id^='phase-']", "els => els.map(e => e.id)")
                        assert {"phase-virtual-2026", "phase-voluntary-2027", "phase-mandatory-2029"} <= set(kinds), (chart_id, kinds)
                    aim = page.inner_text("#quintuple-aim")
                    assert "per 1,000 inhabitants" in aim and "EUR per inhabitant" in aim and "Avoidable admissions per 1,000" in aim
                    assert "avoidable_admissions" not in aim
                    assert page.locator("details#manifest").count() == 1 and page.locator("#key-parameters").count() == 1
                shot = tmp_path / f"{name}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 50_000
                assert not errors, (name, errors)
                assert not outside, (name, outside)
                page.close()
        finally:
            browser.close()


def test_report_shows_measured_and_true_savings_with_paid_and_shadow_money():
    from simulator.api import run_scenario
    from simulator.report import settlements_html

    result = run_scenario(ROOT / "scenarios" / "shared_savings.toml", overrides=["population.size=20000", "run.end_year=2027"], report=False)
    text = settlements_html(result.settlements)
    for label in ("measured savings", "true savings", "paid", "shadow (not paid)"):
        assert f"<th>{label}</th>" in text
    assert "No settlements" in settlements_html(result.settlements.iloc[0:0])


def test_compare_labels_runs_with_the_same_name_apart():
    from simulator.report.compare import distinct_labels

    assert distinct_labels(["run", "run", "other"], ["a", "b", "c"]) == ["run (a)", "run (b)", "other"]
    assert distinct_labels(["run", "run"], ["a", "a"]) == ["run (a)", "run (a) #2"]


def test_report_command_refreshes_the_manifest_checksums(run_folder):
    import hashlib
    import json

    done = simsim("report", str(run_folder))
    assert done.returncode == 0, done.stderr
    files = json.loads((run_folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert files["report.html"] == hashlib.sha256((run_folder / "report.html").read_bytes()).hexdigest()


def test_report_has_a_programmes_section_whose_money_equals_the_tables(tmp_path):
    from tests.programmes.test_programmes import programme_data

    data = programme_data(p4p={"indicators": [{"indicator": "gp_contact_coverage", "target": 0.0, "bonus_eur": 10.0}]},
                          shared_savings={"minimum_savings_rate": 0.0})
    result = simulator.run_scenario(validate(data), out=tmp_path / "run", progress=False)
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="programmes">'):]
    section = section[:section.index("</section>")]
    money = section[section.index('id="programme-money-north_chronic"'):section.index("</table>")]
    head = re.findall(r"<th>([^<]+)</th>", money)
    assert head[:3] == ["year", "coordination funding", "investments"] and "P4P paid" in head and "true savings" in head
    row_2027 = re.search(r'<td class="t">2027</td>(.*?)</tr>', money).group(1)
    values = [float(v) for v in re.findall(r'data-value="([^"]+)"', row_2027)]
    annual = result.annual[(result.annual["arm"] == "reform") & (result.annual["year"] == 2027)]
    assert values[0] == pytest.approx(annual.loc[annual["mechanism"] == "programme_funding", "amount_eur"].sum(), rel=1e-12)
    assert values[head.index("P4P paid") - 1] == pytest.approx(annual.loc[annual["mechanism"] == "p4p", "amount_eur"].sum(), rel=1e-12)
    assert 'id="programme-evaluation-north_chronic"' in section and "Actual over expected cost" in section
    assert "Dental care" in section  # the service groups the model does not cover are named
