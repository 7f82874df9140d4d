"""Who provides care where: providers, territories and billing cells, as plain arrays.

A *billing cell* is a combination (zone, GP practice, usual hospital, BIM status). Every
patient belongs to one cell, so a month's claims are summed per cell with one `bincount`
per category, and the cell tells which provider bills each category and which territory
and patient group the money belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.categories import CATEGORIES, CATEGORY_PROVIDER_KIND, REGION_INDEX
from simulator.scenario import Scenario


@dataclass(frozen=True)
class ProviderInfo:
    """One provider: dense id, kind, name and the territory it sits in (-1 for the network)."""

    id: int
    kind: str
    name: str
    territory: int


@dataclass(frozen=True)
class Layout:
    """Providers, territories and billing cells of a scenario."""

    territory_names: tuple[str, ...]
    territory_region: np.ndarray  # region index per territory
    providers: tuple[ProviderInfo, ...]
    gp_practices: tuple[np.ndarray, ...]  # provider ids of GP practices, per territory
    hospitals: np.ndarray  # provider ids of hospitals, in network order
    home_hospital: np.ndarray  # index into `hospitals`, per territory
    cell_territory: np.ndarray
    cell_gp: np.ndarray  # provider id
    cell_hospital: np.ndarray  # provider id
    cell_bim: np.ndarray  # 0 non-BIM, 1 BIM
    cell_provider: np.ndarray  # [category, cell] -> provider id billing that category

    @property
    def n_cells(self) -> int:
        return int(self.cell_territory.size)

    @property
    def n_providers(self) -> int:
        return len(self.providers)

    @property
    def n_territories(self) -> int:
        return len(self.territory_names)

    def cell_of(self, territory: np.ndarray, gp: np.ndarray, hospital_rank: np.ndarray, bim: np.ndarray) -> np.ndarray:
        """Cell index from a patient's territory, GP practice id, hospital rank and BIM flag."""
        n_h = self.hospitals.size
        first_gp = np.array([g[0] for g in self.gp_practices])
        offsets = np.concatenate([[0], np.cumsum([g.size for g in self.gp_practices])])[:-1] * n_h * 2
        local_gp = gp - first_gp[territory]
        return (offsets[territory] + (local_gp * n_h + hospital_rank) * 2 + bim).astype(np.int32)


def build_layout(scenario: Scenario) -> Layout:
    """Enumerate providers and cells from the scenario's territories and network."""
    providers: list[ProviderInfo] = []

    def add(kind: str, name: str, territory: int) -> int:
        providers.append(ProviderInfo(len(providers), kind, name, territory))
        return len(providers) - 1

    hospitals = np.array([add("hospital", h.name, -1) for h in scenario.hospital_network.hospitals])
    add("hospital_network", scenario.hospital_network.name, -1)  # holds bundles; bills no category
    add("administration", "administration", -1)  # runs the payment systems (cost of parallel systems)
    add("integration_management", "integration_management", -1)  # the pilot's coordination, funded yearly
    hospital_names = [h.name for h in scenario.hospital_network.hospitals]
    gp_practices, services = [], {}
    home = []
    for t, zone in enumerate(scenario.territories):
        n_gp = zone.gp_practices or max(1, round(zone.inhabitants / scenario.providers.patients_per_gp_practice))
        gp_practices.append(np.array([add("gp_practice", f"{zone.name}/gp_{i + 1:04d}", t) for i in range(n_gp)]))
        for kind in ("pharmacy", "home_care", "nursing_home"):
            services[kind, t] = add(kind, f"{zone.name}/{kind}", t)
        home.append(hospital_names.index(zone.home_hospital) if zone.home_hospital else t % len(hospital_names))

    n_h = hospitals.size
    cells = [
        (t, gp, h, b)
        for t, gps in enumerate(gp_practices)
        for gp in gps
        for h in range(n_h)
        for b in (0, 1)
    ]
    cell = np.array(cells, dtype=np.int64).reshape(-1, 4)
    cell_territory, cell_gp, cell_hospital = cell[:, 0], cell[:, 1], hospitals[cell[:, 2]]
    by_kind = {
        "gp_practice": cell_gp,
        "hospital": cell_hospital,
        **{k: np.array([services[k, t] for t in cell_territory]) for k in ("pharmacy", "home_care", "nursing_home")},
    }
    cell_provider = np.stack([by_kind[CATEGORY_PROVIDER_KIND[c]] for c in CATEGORIES]).astype(np.int32)
    return Layout(
        territory_names=tuple(t.name for t in scenario.territories),
        territory_region=np.array([REGION_INDEX[t.region] for t in scenario.territories], dtype=np.int8),
        providers=tuple(providers),
        gp_practices=tuple(gp_practices),
        hospitals=hospitals,
        home_hospital=np.array(home, dtype=np.int32),
        cell_territory=cell_territory.astype(np.int32),
        cell_gp=cell_gp.astype(np.int32),
        cell_hospital=cell_hospital.astype(np.int32),
        cell_bim=cell[:, 3].astype(np.int8),
        cell_provider=cell_provider,
    )
