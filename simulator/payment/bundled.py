"""Bundled (episode) payment: one price per episode, the hospital network holding the risk.

Providers keep billing their claims; when an episode's window closes, the holder is paid
the price minus the in-scope claims of the window (a margin, or a loss it pays back).
For the payer this nets to the price per episode; above the stop-loss threshold the
payer covers the excess. Readmissions inside an open window belong to that episode.

Windows are counted in days (at most 180 in all, as in the Belgian hospital pilots): the
admission falls on a drawn day of its month, and the months at either edge of the window
count pro rata, their claims spread evenly over their days; the admission month counts whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.care.activity import Activity
from simulator.care.claims import value_by_slot
from simulator.categories import ADMISSION_REASONS, CATEGORY_INDEX, REASON_INDEX
from simulator.scenario.reform import Bundled, Episode

DAYS_PER_MONTH = 365.25 / 12


def bundle_margin(price: np.ndarray | float, claims: np.ndarray | float, stop_loss: float) -> np.ndarray:
    """What the holder keeps: price minus claims, the claims counted up to stop_loss x price (0: no stop-loss)."""
    price, claims = np.asarray(price, float), np.asarray(claims, float)
    counted = np.minimum(claims, stop_loss * price) if stop_loss > 0 else claims
    return price - counted


def status_quo_price(claims: np.ndarray, stop_loss: float, discount: float) -> float:
    """Price at which the payer's expected cost equals the status quo (then minus the discount).

    With a stop-loss the payer also pays claims above stop_loss x price, so the neutral
    price p solves p = mean(min(claims, stop_loss * p)); it is found by fixed-point iteration.
    """
    if claims.size == 0:
        return 0.0
    price = float(claims.mean())
    if stop_loss > 0:
        for _ in range(200):
            new = float(np.minimum(claims, stop_loss * price).mean())
            if abs(new - price) <= 1e-9 * max(price, 1.0):
                break
            price = new
    return price * (1 - discount)


@dataclass
class Closed:
    """Episodes whose window closed: slot, episode type, in-scope claims (euros, nominal)."""

    slots: np.ndarray
    kind: np.ndarray
    claims: np.ndarray
    start: np.ndarray  # month the episode opened
    elapsed: np.ndarray  # share of the window covered (1 unless closed early at the end of the horizon)


class EpisodeBook:
    """Open episodes of one arm, one at most per patient slot."""

    def __init__(self, rule: Bundled, capacity: int):
        self.episodes: list[Episode] = list(rule.episodes)
        self.scope = tuple(sorted(CATEGORY_INDEX[c] for c in rule.scope))
        self.trigger = np.full(len(ADMISSION_REASONS), -1, np.int8)
        for k, episode in enumerate(self.episodes):
            for reason in episode.trigger:
                self.trigger[REASON_INDEX[reason]] = k  # a later type wins for a shared reason
        self.before = np.array([e.days_before for e in self.episodes], np.float64)  # days
        self.after = np.array([e.days_after for e in self.episodes], np.float64)  # days
        self.depth = int(math.ceil(self.before.max(initial=0) / DAYS_PER_MONTH)) + 1  # months a window can reach back
        self.recent = np.zeros((self.depth, capacity), np.float32)
        self.kind = np.full(capacity, -1, np.int8)
        self.first = np.zeros(capacity, np.float64)  # first day of the window, in days since the start of the run
        self.end = np.zeros(capacity, np.float64)  # last day of the window (exclusive)
        self.claims = np.zeros(capacity, np.float64)
        self.start = np.zeros(capacity, np.int32)  # month of the admission

    @property
    def open(self) -> np.ndarray:
        """Slots with an open episode (bool per slot)."""
        return self.kind >= 0

    def reason_multiplier(self, strength: float) -> np.ndarray:
        """[reason] 1 - strength for reasons that open an episode, 1 otherwise."""
        return np.where(self.trigger >= 0, 1.0 - strength, 1.0)

    def month(self, step: int, activity: Activity, unit_value: np.ndarray, day: np.ndarray) -> Closed:
        """Add the month's in-scope claims, open triggered episodes, close those whose window ended.

        `day[i]` in [0, 1) places admission i within its month.
        """
        value = value_by_slot(activity, unit_value, self.scope, self.kind.size)
        month_start = step * DAYS_PER_MONTH
        active = np.flatnonzero(self.open)
        self.claims[active] += value[active] * self._inside(active, month_start)
        admitted = activity.admissions
        kind = self.trigger[activity.reason]
        new = (kind >= 0) & (self.kind[admitted] < 0)
        slots, kind = admitted[new], kind[new]
        admission = month_start + day[new] * DAYS_PER_MONTH
        self.kind[slots], self.start[slots] = kind, step
        self.first[slots], self.end[slots] = admission - self.before[kind], admission + self.after[kind]
        self.claims[slots] = value[slots] + self._before(step, slots)
        self.recent[step % self.depth] = value
        return self._close(np.flatnonzero(self.open & (self.end <= month_start + DAYS_PER_MONTH)), step)

    def _inside(self, slots: np.ndarray, month_start: float) -> np.ndarray:
        """Share of this month's days inside each window (its claims spread evenly over the month)."""
        return np.clip((self.end[slots] - month_start) / DAYS_PER_MONTH, 0.0, 1.0)

    def close_all(self, step: int) -> Closed:
        """Close every open episode at the end of the horizon (month `step`); `elapsed` says how much of each window ran."""
        return self._close(np.flatnonzero(self.open), step)

    def _before(self, step: int, slots: np.ndarray) -> np.ndarray:
        """In-scope claims of the months before `step` that fall in each window, pro rata."""
        total = np.zeros(slots.size)
        for back in range(1, self.depth):
            if step - back < 0:
                break
            month_end = (step - back + 1) * DAYS_PER_MONTH
            share = np.clip((month_end - self.first[slots]) / DAYS_PER_MONTH, 0.0, 1.0)
            total += self.recent[(step - back) % self.depth, slots] * share
        return total

    def _close(self, slots: np.ndarray, step: int) -> Closed:
        kind, start = self.kind[slots].copy(), self.start[slots]
        length = self.end[slots] - self.first[slots]
        ran = (step + 1) * DAYS_PER_MONTH - self.first[slots]
        elapsed = np.where(length > 0, np.minimum(1.0, ran / np.maximum(length, 1e-9)), 1.0)
        closed = Closed(slots, kind, self.claims[slots].copy(), start.copy(), elapsed)
        self.kind[slots] = -1
        self.claims[slots] = 0.0
        return closed
