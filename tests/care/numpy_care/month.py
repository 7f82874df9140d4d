"""Phases 1-5 of a month in the numpy implementation, one arm at a time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from simulator.behaviour import Behaviour
from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState
from tests.care.numpy_care import acute, demography, morbidity, post_acute, utilisation
from tests.care.numpy_care.draws import PcgDraws


def care_month(m: Month, state: PatientState, behaviour: Behaviour) -> Activity:
    """Demography, morbidity, care seeking, acute events, post-acute care."""
    activity = Activity()
    demography.step(m, state, activity)
    morbidity.step(m, state)
    utilisation.step(m, state, activity, behaviour)
    acute.step(m, state, activity, behaviour)
    post_acute.step(m, state, activity, behaviour)
    return activity


def care_months(m: Month, arms: list[tuple[PatientState, Behaviour]], n_cells: int) -> list[Activity]:
    """`simulator.care.month.care_months` through the numpy processes."""
    return [care_month(m, state, behaviour) for state, behaviour in arms]


@contextmanager
def numpy_processes() -> Iterator[None]:
    """Run the model, in this process, on the numpy processes and their PCG64 draws (reference population included)."""
    with mock.patch("simulator.experiment.care_months", care_months), mock.patch("simulator.experiment.MonthlyDraws", PcgDraws), \
            mock.patch("simulator.reference.care_month", lambda m, state, behaviour, n_cells: care_month(m, state, behaviour)), \
            mock.patch("simulator.reference.MonthlyDraws", PcgDraws):
        yield
