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
                           np.searchsorted(layout.hospitals, layout.cell_hospital), layout.cell_bim.astype(np.int64))
    assert np.array_equal(cells, np.arange(layout.n_cells))


def test_home_hospital_by_name(scenario):
    layout = build_layout(scenario)
    assert list(layout.home_hospital) == [0, 1]
