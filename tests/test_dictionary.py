"""The data dictionary covers every column of every table, exactly; docs/outputs.md is generated from it."""

from __future__ import annotations

import pytest

from simulator.dictionary import TABLES, columns, markdown
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    """Two small runs that between them write every table (programmes and a transition, and a PSA with rate setting)."""
    import simulator

    runs = [
        simulator.run_scenario(ROOT / "scenarios" / "integrated_care_2024.toml",
                               overrides=["population.size=10000", "run.end_year=2028", "reform.reference.size=10000"]),
        simulator.run_scenario(ROOT / "scenarios" / "transition_full.toml",
                               overrides=["population.size=10000", "run.start_year=2028", "run.end_year=2029", "reform.reference.size=10000",
                                          "psa.draws=2", "psa.behaviour_ranges=true"]),
    ]
    out: dict[str, list[str]] = {}
    for run in runs:
        for name, table in run.tables.items():
            out.setdefault(name, list(table.columns))
    return out


def test_every_table_and_column_is_documented_and_nothing_else(produced):
    assert set(produced) == set(TABLES), (sorted(set(produced) - set(TABLES)), sorted(set(TABLES) - set(produced)))
    for name, cols in produced.items():
        documented = set(columns(name))
        given = set(cols)
        if "<parameter path>" in documented:
            given = {c for c in given if "." not in c} | {"<parameter path>"}
        assert given == documented, (name, sorted(given - documented), sorted(documented - given))
    for name in TABLES:
        for column, (unit, meaning) in columns(name).items():
            assert unit.strip() and meaning.strip(), (name, column)


def test_docs_outputs_is_in_sync():
    assert (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8") == markdown(), "run: simsim tables --markdown > docs/outputs.md"


def test_one_name_one_meaning():
    """`unit` is an entity everywhere; a column in COMMON is never redefined with another meaning."""
    from simulator.dictionary import COMMON

    for name, table in TABLES.items():
        for column, own in table.columns.items():
            assert not (column in COMMON and own is not None), (name, column)
