"""Hospital networks, the holders of episode bundles: every decision a network takes, for all networks at once.

Called each January by the regime (`payment.mix.Regime.start_year`):
1. `decide_participation` (voluntary phase): join or leave, weighing the share of the
   practices referring to its hospitals that take part;
2. `decide_episode_care`, once the year's bundles are priced: shorter stays, fewer
   rehabilitation episodes and readmissions for the stays its bundles pay for.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from simulator.agents.hospitals import ReferredTo
from simulator.categories import CATEGORIES
from simulator.payment.bundled import EpisodeBook
from simulator.scenario.reform import Behaviour


class HospitalNetworks(ReferredTo):
    """The hospital networks (loco-regional clinical networks), each holding the bundles of its zones."""

    kinds = ("hospital_network",)

    def referral_matrix(self) -> sparse.csr_matrix:
        return self.referrals.to_network

    def decide_episode_care(self, year: int, book: EpisodeBook, b: Behaviour) -> tuple[np.ndarray, np.ndarray, float]:
        """Per admission reason, multipliers of stay length and rehabilitation, and the readmission multiplier inside a window.

        Reads which categories the bundles cover: a network responds only for what its bundle pays.
        """
        scope = {CATEGORIES[c] for c in book.scope}
        stay, rehab = b.los_response if "inpatient_stay" in scope else 0.0, b.post_acute_response if "rehabilitation" in scope else 0.0
        readmission = 1 - b.readmission_response if "inpatient_stay" in scope else 1.0
        for name, value in (("episode_length_of_stay", 1 - stay), ("episode_rehabilitation", 1 - rehab), ("episode_readmission", readmission)):
            self.log.add(year, "hospital_network", self.ids, name, np.full(self.ids.size, value))
        return book.reason_multiplier(stay), book.reason_multiplier(rehab), readmission
