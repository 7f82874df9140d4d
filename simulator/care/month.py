"""Phases 1-5 of a month, in their written-down order, for one arm."""

from __future__ import annotations

from simulator.behaviour import Behaviour
from simulator.care import acute, demography, morbidity, post_acute, utilisation
from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState


def care_month(m: Month, state: PatientState, behaviour: Behaviour) -> Activity:
    """Demography, morbidity, care seeking, acute events, post-acute care."""
    activity = Activity()
    demography.step(m, state, activity)
    morbidity.step(m, state)
    utilisation.step(m, state, activity, behaviour)
    acute.step(m, state, activity, behaviour)
    post_acute.step(m, state, activity, behaviour)
    return activity
