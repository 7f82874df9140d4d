"""Joining the reform in a voluntary phase: the rule by which every provider kind decides.

Each January of a voluntary phase, every provider kind's `decide_participation` calls
`OptIn.decide` for its providers, after the year's phases are known and before the year's
payment rules are set. It reads what the provider learnt from its own statements (what the
reform would have paid it, settlements included, minus what the status quo pays: its shadow
gain) and what its peers did last year.

- Expectations are adaptive (Nerlove 1958): E = m E' + (1 - m) g, g last year's gain and
  m = `expectation_memory` (U; 0, the default, reads last year's statement alone). The
  expected size of a forecast error, S, is learnt the same way from |g - E'|.
- Value of joining: E - a S + e, with a the provider's own risk aversion (U; default 0, risk
  neutral) and e a yearly idiosyncratic term, normal with spread `opt_in_noise_eur`.
- Cost: the provider's own switching cost c (lognormal around `switching_cost_eur`, spread
  U, default 0), lowered by what its peers did: c (1 - w P), P the share of its peers taking
  part last year, w = `peer_weight` (U, default 0: the imitation term of diffusion models,
  Bass 1969; peer effects among physicians: Nair, Manchanda & Bhatia 2010; contagion over
  referral ties: Iyengar, Van den Bulte & Valente 2011).
- Only providers with something at stake (a reform rule changes how they are paid) decide.
  One joins when value > cost; a participant whose value is negative leaves with chance
  `exit_rate`.
"""

from __future__ import annotations

import numpy as np

from simulator.agents.base import DecisionLog
from simulator.rng import generator
from simulator.scenario.reform import Transition


def spread_around(mean: float, spread: float, draws: np.ndarray) -> np.ndarray:
    """Lognormal values with this mean and log-spread from standard normal draws (exactly `mean` when spread is 0)."""
    return mean * np.exp(spread * draws - spread**2 / 2)


class OptIn:
    """Every provider's expectations, own switching cost and risk attitude, and whether it takes part."""

    def __init__(self, rule: Transition, n_providers: int, seed: int):
        self.rule = rule
        self.expected = np.zeros(n_providers)  # euros a year the provider expects to gain under the reform
        self.error = np.zeros(n_providers)  # expected size of its forecast error, euros
        self.seen = np.zeros(n_providers, bool)
        self.joined = np.zeros(n_providers, bool)
        self.switching_cost = spread_around(rule.switching_cost_eur, rule.switching_cost_spread,
                                            generator(seed, "switching_cost").standard_normal(n_providers))
        self.risk_aversion = spread_around(rule.risk_aversion, rule.risk_aversion_spread,
                                           generator(seed, "risk_aversion").standard_normal(n_providers))

    def learn(self, gain: np.ndarray) -> None:
        """Each January from the second year: fold last year's shadow gain (every provider) into the expectations."""
        m = self.rule.expectation_memory
        first = ~self.seen
        self.error = np.where(first, 0.0, m * self.error + (1 - m) * np.abs(gain - self.expected))
        self.expected = np.where(first, gain, m * self.expected + (1 - m) * gain)
        self.seen[:] = True

    def decide(self, year: int, kind: str, members: np.ndarray, voluntary: np.ndarray, at_stake: np.ndarray,
               peer_share: np.ndarray, noise: np.ndarray, stay: np.ndarray, log: DecisionLog) -> None:
        """Join or leave, for `members` (provider ids; the other arrays are per provider, `peer_share` per member)."""
        i = members
        value = self.expected[i] - self.risk_aversion[i] * self.error[i] + noise[i]
        cost = self.switching_cost[i] * (1 - self.rule.peer_weight * peer_share)
        joined = self.joined[i]
        join = ~joined & at_stake[i] & (value > cost)
        leave = joined & (value < 0) & ~stay[i]
        self.joined[i] = (joined | (voluntary[i] & join)) & ~leave
        deciding = voluntary[i] & at_stake[i]
        log.add(year, kind, i[deciding], "participation", self.joined[i][deciding], expected_gain=self.expected[i][deciding],
                peer_share=peer_share[deciding], cost=cost[deciding])
