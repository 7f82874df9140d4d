"""Provider responses to payment, as multipliers read by the monthly care processes.

The status quo uses the neutral `Behaviour()`. The reform arm's regime sets it each year
from the incentives it creates (see `payment.mix`). Arrays are indexed by billing cell,
admission reason or category; `None` means no change, which keeps the hot loop lean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Behaviour:
    """Multipliers on care processes in one arm for the current year."""

    supply: dict[str, np.ndarray] = field(default_factory=dict)  # category -> [cell] multiplier of contact rates
    avoidable: np.ndarray | None = None  # [cell] multiplier of avoidable-admission hazards (coordination effort)
    length_of_stay: np.ndarray | None = None  # [cell] multiplier (hospital paid per stay or envelope)
    episode_length_of_stay: np.ndarray | None = None  # [reason] multiplier for stays that open a bundle
    episode_rehabilitation: np.ndarray | None = None  # [reason] multiplier of rehabilitation after such stays
    in_episode_readmission: float = 1.0  # multiplier of readmissions while the patient is in a bundle window
    in_episode: np.ndarray | None = None  # [slot] bool, set by the bundle book each month
    in_episode_contacts: dict[str, float] = field(default_factory=dict)  # process -> multiplier while in a bundle window
    readmission: np.ndarray | None = None  # [cell] multiplier of 30-day readmissions (continuity of care)
    admission: np.ndarray | None = None  # [cell] multiplier of avoidable and other classic admissions (admission thresholds)
    other_admission: np.ndarray | None = None  # [cell] multiplier of other classic stays moved to day care
    continuity: np.ndarray | None = None  # [cell] share of GP contacts with the usual practice (both arms: the indicator)
    rehabilitation: np.ndarray | None = None  # [cell] multiplier of rehabilitation after stays (earlier discharge)
    nurse_delegation: np.ndarray | None = None  # [cell] share of the GP's contacts a team delegates to its practice nurse
    nursing_home_entry: np.ndarray | None = None  # [cell] multiplier of nursing-home entry (programme interventions)


def effort_effect(effort: np.ndarray | float, max_effect: float, curvature: float) -> np.ndarray:
    """Share of avoidable admissions prevented: max * (1 - exp(-k e)) / (1 - exp(-k)), concave, 0 at e = 0."""
    return max_effect * -np.expm1(-curvature * np.asarray(effort, float)) / -np.expm1(-curvature)


EFFORT_GRID = np.linspace(0.0, 1.0, 41)


def choose_effort(gain: np.ndarray, cost_at_full: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    """Effort on EFFORT_GRID maximising gain * benefit(e) - cost * e^2, for each decision unit.

    `benefit[u, g]` is the expected share of `gain[u]` earned at grid effort g: for shared
    savings, the share of avoidable cost prevented times the chance of clearing the minimum
    savings rate; for P4P, the chance of reaching the target. Ties go to the larger effort, so
    with a benefit rising in effort a larger gain never lowers the chosen effort.
    """
    value = np.asarray(gain, float)[:, None] * benefit - np.asarray(cost_at_full, float)[:, None] * EFFORT_GRID[None, :] ** 2
    best = value.shape[1] - 1 - np.argmax(value[:, ::-1], axis=1)  # last maximiser
    return EFFORT_GRID[best]


def damped(b: Behaviour, response: np.ndarray, network_response: float) -> Behaviour:
    """Only part of the full response where the reform is not (fully) paid: m -> 1 + share * (m - 1).

    `response` is the share per cell (practices and hospitals), `network_response` the share of
    the networks' episode care (in a voluntary phase, the share of networks taking part).
    """
    r, net = response.astype(np.float32), np.float32(network_response)
    b.supply = {k: 1 + r * (v - 1) for k, v in b.supply.items()}
    b.length_of_stay = None if b.length_of_stay is None else 1 + r * (b.length_of_stay - 1)
    b.avoidable = None if b.avoidable is None else 1 + r * (b.avoidable - 1)
    b.episode_length_of_stay = None if b.episode_length_of_stay is None else 1 + net * (b.episode_length_of_stay - 1)
    b.episode_rehabilitation = None if b.episode_rehabilitation is None else 1 + net * (b.episode_rehabilitation - 1)
    b.in_episode_readmission = 1 + float(net) * (b.in_episode_readmission - 1)
    b.in_episode_contacts = {k: 1 + float(net) * (v - 1) for k, v in b.in_episode_contacts.items()}
    b.nurse_delegation = None if b.nurse_delegation is None else r * b.nurse_delegation
    for name in ("readmission", "admission", "other_admission", "rehabilitation"):
        value = getattr(b, name)
        setattr(b, name, None if value is None else 1 + r * (value - 1))
    return b
