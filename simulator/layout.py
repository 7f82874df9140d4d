"""Who provides care where: providers, territories and billing cells, as plain arrays.

A *billing cell* is a combination (zone, GP practice, usual hospital, BIM status and, when
the scenario has programmes, whether the patient is in a programme's target group). Every
patient belongs to one cell, so a month's claims are summed per cell with one `bincount`
per category, and the cell tells which provider bills each category and which territory
and patient group the money belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from simulator.categories import CATEGORIES, CATEGORY_PROVIDER_KIND, ENTITY_CATEGORIES, PAYER_INDEX, REGION_ENTITY, REGION_INDEX
from simulator.scenario import Scenario


@dataclass(frozen=True)
class ProviderInfo:
    """One provider: dense id, kind, name, the territory it sits in (-1: none) and its hospital network (-1: none)."""

    id: int
    kind: str
    name: str
    territory: int
    network: int = -1


@dataclass(frozen=True)
class Layout:
    """Providers, territories and billing cells of a scenario.

    A zone's residents use the hospitals of its network (the network of its home hospital),
    so a zone's cells cover its practices x its network's hospitals x BIM status.
    """

    territory_names: tuple[str, ...]
    territory_region: np.ndarray  # region index per territory
    providers: tuple[ProviderInfo, ...]
    gp_practices: tuple[np.ndarray, ...]  # provider ids of GP practices, per territory
    hospitals: np.ndarray  # provider ids of hospitals, network by network
    network_names: tuple[str, ...]
    network_providers: np.ndarray  # provider id of each network
    territory_network: np.ndarray  # network index per territory
    zone_hospitals: tuple[np.ndarray, ...]  # per territory: indices into `hospitals` of its network's hospitals (then others')
    own_hospitals: np.ndarray  # per territory: how many of `zone_hospitals` are its own network's
    home_hospital: np.ndarray  # per territory: rank of the home hospital in `zone_hospitals`
    cell_territory: np.ndarray
    cell_gp: np.ndarray  # provider id
    cell_hospital: np.ndarray  # provider id
    cell_hospital_rank: np.ndarray  # rank of the cell's hospital in its zone's `zone_hospitals`
    cell_network: np.ndarray  # provider id of the cell's hospital network
    cell_bim: np.ndarray  # 0 non-BIM, 1 BIM
    cell_provider: np.ndarray  # [category, cell] -> provider id billing that category
    cell_offset: np.ndarray  # first cell of each territory
    territory_programme: np.ndarray  # index of the programme each territory belongs to (-1: none)
    cell_target: np.ndarray  # 1 in a programme's target group, else 0 (all 0 without programmes)
    cell_third_payer: np.ndarray  # [category, cell] payer index of what the patient does not pay
    n_populations: int = 1  # 2 with programmes: cells come in pairs, rest then target group

    @property
    def n_cells(self) -> int:
        return int(self.cell_territory.size)

    @property
    def n_providers(self) -> int:
        return len(self.providers)

    @property
    def n_territories(self) -> int:
        return len(self.territory_names)

    def provider_place(self, provider: ProviderInfo) -> str:
        """The territory a provider's money is reported under: its zone, else its network, else the only network."""
        if provider.territory >= 0:
            return self.territory_names[provider.territory]
        if provider.network >= 0 or len(self.network_names) == 1:
            return self.network_names[max(provider.network, 0)]
        return "all"

    @property
    def n_groups(self) -> int:
        """Patient groups money and counts are kept by: territory x BIM x population."""
        return self.n_territories * 2 * self.n_populations

    @property
    def cell_group(self) -> np.ndarray:
        """[cell] patient group: (territory x 2 + BIM) x populations + target."""
        return ((self.cell_territory.astype(np.int64) * 2 + self.cell_bim) * self.n_populations + self.cell_target).astype(np.int64)

    def cell_of(self, territory: np.ndarray, gp: np.ndarray, hospital_rank: np.ndarray, bim: np.ndarray,
                target: np.ndarray | int = 0) -> np.ndarray:
        """Cell index from a patient's territory, GP practice id, hospital rank in the zone's network, BIM flag and target flag."""
        n_h = np.array([h.size for h in self.zone_hospitals], np.int64)
        first_gp = np.array([g[0] for g in self.gp_practices], np.int64)
        return _cells(territory, gp, hospital_rank, bim, np.atleast_1d(np.asarray(target, np.int64)), n_h, first_gp,
                      self.cell_offset.astype(np.int64), int(self.n_populations))

    def with_target(self, cell: np.ndarray, target: np.ndarray) -> np.ndarray:
        """The same cells with the target flag set to `target` (0 or 1 per entry)."""
        return (cell - self.cell_target[cell] + target).astype(cell.dtype)


def build_layout(scenario: Scenario) -> Layout:
    """Enumerate providers and cells from the scenario's territories and networks."""
    providers: list[ProviderInfo] = []

    def add(kind: str, name: str, territory: int, network: int = -1) -> int:
        providers.append(ProviderInfo(len(providers), kind, name, territory, network))
        return len(providers) - 1

    networks = scenario.networks
    hospitals = np.array([add("hospital", h.name, -1, j) for j, n in enumerate(networks) for h in n.hospitals])
    hospital_names = [h.name for n in networks for h in n.hospitals]
    hospital_network = np.array([j for j, n in enumerate(networks) for _ in n.hospitals])
    network_providers = np.array([add("hospital_network", n.name, -1, j) for j, n in enumerate(networks)])  # hold bundles
    add("administration", "administration", -1)  # runs the payment systems (cost of parallel systems)
    add("integration_management", "integration_management", -1)  # the pilot's coordination, funded yearly
    gp_practices, services, zone_hospitals, home, zone_network, own = [], {}, [], [], [], []
    for t, zone in enumerate(scenario.territories):
        n_gp = zone.gp_practices or max(1, round(zone.inhabitants / scenario.providers.patients_per_gp_practice))
        names = [p.name for p in zone.practices] if zone.practices else [f"gp_{i + 1:04d}" for i in range(n_gp)]
        gp_practices.append(np.array([add("gp_practice", f"{zone.name}/{name}", t) for name in names]))
        for kind in ("pharmacy", "home_care", "nursing_home"):
            services[kind, t] = add(kind, f"{zone.name}/{kind}", t)
        if zone.home_hospital:
            h = hospital_names.index(zone.home_hospital)
        else:  # a single network: its hospitals in turn
            h = t % len(hospital_names)
        mine = np.flatnonzero(hospital_network == hospital_network[h])
        if zone.cross_network_share > 0:  # the other networks' hospitals, after the zone's own
            mine = np.concatenate([mine, np.flatnonzero(hospital_network != hospital_network[h])])
        zone_hospitals.append(mine)
        own.append(int((hospital_network[mine] == hospital_network[h]).sum()))
        home.append(int(np.flatnonzero(mine == h)[0]))
        zone_network.append(int(hospital_network[h]))

    for t, zone in enumerate(scenario.territories):  # added last, so that the other providers keep their ids
        services["physiotherapy", t] = add("physiotherapy", f"{zone.name}/physiotherapy", t)
    n_pop = 2 if scenario.programmes else 1
    cells = [(t, gp, rank, b, k) for t, gps in enumerate(gp_practices) for gp in gps for rank in range(zone_hospitals[t].size)
             for b in (0, 1) for k in range(n_pop)]
    cell = np.array(cells, dtype=np.int64).reshape(-1, 5)
    cell_territory, cell_gp, cell_rank = cell[:, 0], cell[:, 1], cell[:, 2]
    cell_hospital_index = np.array([zone_hospitals[t][r] for t, r in zip(cell_territory, cell_rank)], dtype=np.int64)
    cell_hospital = hospitals[cell_hospital_index]
    per_zone = np.array([g.size * h.size * 2 * n_pop for g, h in zip(gp_practices, zone_hospitals)])
    by_kind = {
        "gp_practice": cell_gp,
        "hospital": cell_hospital,
        **{k: np.array([services[k, t] for t in range(len(scenario.territories))])[cell_territory] for k in ("pharmacy", "home_care", "nursing_home", "physiotherapy")},
    }
    cell_provider = np.stack([by_kind[CATEGORY_PROVIDER_KIND[c]] for c in CATEGORIES]).astype(np.int32)
    entity = np.array([PAYER_INDEX[t.federated_entity or REGION_ENTITY[t.region]] for t in scenario.territories], dtype=np.int8)
    third = np.full(cell_provider.shape, PAYER_INDEX["federal_insurance"], dtype=np.int8)
    for c in ENTITY_CATEGORIES:
        third[CATEGORIES.index(c)] = entity[cell_territory]
    programme = {z: i for i, p in enumerate(scenario.programmes) for z in p.territories}
    return Layout(
        territory_names=tuple(t.name for t in scenario.territories),
        territory_region=np.array([REGION_INDEX[t.region] for t in scenario.territories], dtype=np.int8),
        providers=tuple(providers),
        gp_practices=tuple(gp_practices),
        hospitals=hospitals,
        network_names=tuple(n.name for n in networks),
        network_providers=network_providers,
        territory_network=np.array(zone_network, dtype=np.int32),
        zone_hospitals=tuple(zone_hospitals),
        own_hospitals=np.array(own, dtype=np.int32),
        home_hospital=np.array(home, dtype=np.int32),
        cell_territory=cell_territory.astype(np.int32),
        cell_gp=cell_gp.astype(np.int32),
        cell_hospital=cell_hospital.astype(np.int32),
        cell_hospital_rank=cell_rank.astype(np.int32),
        cell_network=network_providers[hospital_network[cell_hospital_index]].astype(np.int32),
        cell_bim=cell[:, 3].astype(np.int8),
        cell_provider=cell_provider,
        cell_offset=np.concatenate([[0], np.cumsum(per_zone)[:-1]]).astype(np.int64),
        territory_programme=np.array([programme.get(t.name, -1) for t in scenario.territories], dtype=np.int32),
        cell_target=cell[:, 4].astype(np.int8),
        cell_third_payer=third,
        n_populations=n_pop,
    )


@numba.njit(cache=True, nogil=True)
def _cells(territory: np.ndarray, gp: np.ndarray, rank: np.ndarray, bim: np.ndarray, target: np.ndarray, n_h: np.ndarray,
           first_gp: np.ndarray, offset: np.ndarray, n_populations: int) -> np.ndarray:
    """`Layout.cell_of` in one pass (int64 arithmetic, int32 cells); `target` has one value for all or one each."""
    out = np.empty(territory.size, np.int32)
    one = target.size == 1
    for i in range(territory.size):
        t = np.int64(territory[i])
        inner = ((np.int64(gp[i]) - first_gp[t]) * n_h[t] + np.int64(rank[i])) * 2 + np.int64(bim[i])
        out[i] = offset[t] + inner * n_populations + target[0 if one else i]
    return out
