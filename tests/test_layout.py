"""Providers and billing cells."""

from __future__ import annotations

import numpy as np

from simulator.categories import CATEGORIES, CATEGORY_PROVIDER_KIND
from simulator.layout import build_layout


def test_cells_cover_every_zone_practice_hospital_and_group(scenario):
    layout = build_layout(scenario)
    n_gp = sum(g.size for g in layout.gp_practices)
    assert n_gp == round(12_000 / 1650) + round(8_000 / 1650)
    assert layout.n_cells == n_gp * 2 * 2
    kinds = np.array([p.kind for p in layout.providers])
    for i, category in enumerate(CATEGORIES):
        assert set(kinds[layout.cell_provider[i]]) == {CATEGORY_PROVIDER_KIND[category]}
    # cell_of inverts the enumeration
    cells = layout.cell_of(layout.cell_territory.astype(np.int64), layout.cell_gp.astype(np.int64),
                           layout.cell_hospital_rank.astype(np.int64), layout.cell_bim.astype(np.int64))
    assert np.array_equal(cells, np.arange(layout.n_cells)) and cells.dtype == np.int32
    narrow = layout.cell_of(layout.cell_territory.astype(np.int16), layout.cell_gp.astype(np.int32),
                            layout.cell_hospital_rank.astype(np.int8), layout.cell_bim.astype(np.uint8))
    assert np.array_equal(narrow, cells)  # the population's own dtypes, without widening copies


def test_home_hospital_by_name(scenario):
    layout = build_layout(scenario)
    assert list(layout.home_hospital) == [0, 1]


TWO_NETWORKS = ["hospital_networks=[{name='net_a', hospitals=[{name='a1'}, {name='a2'}]}, "
                "{name='net_b', loyalty=0.5, hospitals=[{name='b1'}, {name='b2'}, {name='b3'}]}]",
                "territories[0].home_hospital='a2'", "territories[1].home_hospital='b1'"]


def test_several_networks_each_zone_uses_its_own():
    from simulator.population import synthesise
    from simulator.care.tables import build_tables
    from tests.conftest import small_scenario

    scenario = small_scenario(*TWO_NETWORKS)
    layout = build_layout(scenario)
    names = {p.id: p.name for p in layout.providers}
    north, south = layout.cell_territory == 0, layout.cell_territory == 1
    assert {names[h] for h in layout.cell_hospital[north]} == {"a1", "a2"}
    assert {names[h] for h in layout.cell_hospital[south]} == {"b1", "b2", "b3"}
    assert {names[n] for n in layout.cell_network[north]} == {"net_a"} and {names[n] for n in layout.cell_network[south]} == {"net_b"}
    n_gp = [g.size for g in layout.gp_practices]
    assert layout.n_cells == n_gp[0] * 2 * 2 + n_gp[1] * 3 * 2
    cells = layout.cell_of(layout.cell_territory.astype(np.int64), layout.cell_gp.astype(np.int64),
                           layout.cell_hospital_rank.astype(np.int64), layout.cell_bim.astype(np.int64))
    assert np.array_equal(cells, np.arange(layout.n_cells))
    cohort = synthesise(scenario, layout, build_tables(scenario), seed=1)
    hospital = np.array([names[h] for h in layout.cell_hospital[cohort.cell]])
    zone = layout.cell_territory[cohort.cell]
    assert set(hospital[zone == 0]) == {"a1", "a2"} and set(hospital[zone == 1]) == {"b1", "b2", "b3"}
    assert 0.75 < np.mean(hospital[zone == 0] == "a2") < 0.85  # loyalty 0.8 to the home hospital
    assert 0.45 < np.mean(hospital[zone == 1] == "b1") < 0.55  # loyalty 0.5


def test_bundles_are_held_by_each_zone_network():
    from simulator.api import run_scenario
    from tests.conftest import small_scenario

    scenario = small_scenario(*TWO_NETWORKS, "reform.bundled={episodes=[{name='hf', trigger=['heart_failure'], discount=0.1}]}",
                              "reform.reference.size=10000")
    providers = run_scenario(scenario, report=False).providers
    held = providers.query("arm == 'reform' and kind == 'hospital_network'").groupby("provider")["by_bundle_eur"].sum()
    assert set(held.index) == {"net_a", "net_b"} and (held != 0).all()
    places = providers.query("kind == 'hospital'").groupby("provider")["territory"].first()
    assert places["a1"] == "net_a" and places["b3"] == "net_b"


def test_network_problems_are_reported():
    import pytest

    from simulator.scenario import ScenarioError
    from tests.conftest import small_scenario

    with pytest.raises(ScenarioError) as info:
        small_scenario(TWO_NETWORKS[0])  # the small scenario's home hospitals h1, h2 are in neither network
    assert {p.path for p in info.value.problems} == {"territories[0].home_hospital", "territories[1].home_hospital"}
    with pytest.raises(ScenarioError, match="a name not used by another hospital"):
        small_scenario("hospital_networks=[{name='x', hospitals=[{name='h'}]}, {name='y', hospitals=[{name='h'}]}]",
                       "territories[0].home_hospital='h'", "territories[1].home_hospital='h'")
