"""Phase 5: rehabilitation after stays, home-nursing spells, nursing-home entry."""

from __future__ import annotations

import numpy as np

from simulator.behaviour import Behaviour
from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState
from simulator.care.tables import N_CONDITIONS
from simulator.categories import CONDITION_BIT


def step(m: Month, state: PatientState, activity: Activity, behaviour: Behaviour) -> None:
    """Update care states, then bill a month for everyone in one."""
    pa, t = m.scenario.post_acute, m.tables
    is_old = m.age[activity.admissions] >= 65
    old = activity.admissions[is_old]
    chance = np.full(old.size, pa.rehabilitation_probability)
    if behaviour.episode_rehabilitation is not None:
        chance *= behaviour.episode_rehabilitation[activity.reason[is_old]]
    if behaviour.rehabilitation is not None:
        chance *= behaviour.rehabilitation[state.cell[old]]
    rehab = old[m.draws.at("rehabilitation", old) < chance]
    activity.add("rehabilitation", rehab, np.ones(rehab.size, np.int32))

    dementia = (state.conditions & CONDITION_BIT["dementia"]) > 0
    entry = m.shared("nursing_home_entry", lambda: t.nursing_home_entry[m.age]) * np.where(
        dementia, np.float32(pa.nursing_home_dementia_ratio), np.float32(1))
    if behaviour.nursing_home_entry is not None:
        entry = entry * behaviour.nursing_home_entry[state.cell]
    enters = state.alive & ~state.nursing_home & (m.draws.uniform("nursing_home") < entry)
    state.nursing_home |= enters

    u = m.draws.uniform("home_nursing")
    ratio = (1 + np.float32(pa.home_nursing_condition_ratio) * np.arange(8, dtype=np.float32))[N_CONDITIONS]  # per mask
    start = m.shared("home_nursing_start", lambda: t.home_nursing_start[m.age]) * ratio[state.conditions]
    stops = state.home_nursing & (u < pa.home_nursing_stop)
    starts = ~state.home_nursing & (u < start)
    state.home_nursing = (state.home_nursing & ~stops) | starts
    state.home_nursing &= state.alive & ~state.nursing_home

    for category, flag in (("home_nursing", state.home_nursing), ("nursing_home", state.nursing_home & state.alive)):
        slots = np.flatnonzero(flag)
        activity.add(category, slots, np.ones(slots.size, np.int32))
