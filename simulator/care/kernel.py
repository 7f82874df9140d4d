"""The fused monthly kernel: phases 1-5 for every patient slot and both arms in one pass (numba).

Each slot is visited once a month. Its draws are counter-based (`rng.hashed_uniform`: a pure
function of seed, process, month and slot), computed once and read by every arm, so the arms
share their random numbers wherever they run and whatever subset of slots a process needs.
Where the arms' states agree (they do for deaths and onsets, which no policy moves), that work
is done once; where a slot's state and its cell's multipliers agree too (cells the reform leaves
alone, months before it acts, a status quo run in both arms), arm 1 copies arm 0's outcome.
What the arms did is packed into one event buffer per slot range; `care.unpack`
unpacks the ranges, in slot order, into groups by arm and category, which
`care.month` slices into each arm's `Activity` without copying.

Inputs are grouped so that the signature stays fixed:
- `shared`: float64 scalars of the month (`SCALARS` gives their order);
- `cohort`: the slots' fixed attributes; `tables`: float64 lookups by stratum x age, age or condition mask;
- per arm, in 2-tuples (the second a copy of the first for one arm): the state arrays, and the
  multipliers `[cell, CELL_MULTIPLIERS]`, `[2, reason]`, `[7]` with whether a bundle book is open.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from simulator.categories import CATEGORY_INDEX, CONDITION_BIT, FIRST_AVOIDABLE_REASON, REASON_INDEX

#: The draws of a month, one counter-based stream each (the key of stream k is `keys[k]`).
STREAMS: tuple[str, ...] = ("death", "onset", "onset_which", "gp", "specialist", "lab_imaging", "emergency", "day_case",
                            "physiotherapy", "practice_nurse", "admission", "admission_reason", "los_radius_0", "los_angle_0",
                            "los_radius_1", "los_angle_1", "los_radius_2", "los_angle_2", "rehabilitation", "nursing_home",
                            "home_nursing")
#: Contact processes in the order of `grids` and of the first six rows of `cell_mult` (each bills its own category).
PROCESSES: tuple[str, ...] = ("gp", "specialist", "lab_imaging", "emergency", "day_case", "physiotherapy")
#: Rows of `cell_mult` after the six supply rows; a missing multiplier is a row of ones (nurse delegation: zeros).
CELL_MULTIPLIERS: tuple[str, ...] = PROCESSES + ("avoidable", "readmission", "admission", "other_admission", "length_of_stay",
                                                 "rehabilitation", "nurse_delegation", "nursing_home_entry")
#: Month scalars, in the order of `shared`.
SCALARS: tuple[str, ...] = ("readmission_monthly", "hip_knee_share", "stroke_share", "los_sigma", "rehabilitation_probability",
                            "nursing_home_dementia_ratio", "home_nursing_stop", "practice_nurse_share", "drug_trend")
N_CATEGORIES = len(CATEGORY_INDEX)
DEATH = N_CATEGORIES  # event code of a death (the categories' codes come first)
N_CODES = N_CATEGORIES + 1
MAX_STAY = 180
MAX_STAYS_PER_MONTH = 3
_S_ADMISSION = STREAMS.index("admission")
_S_ADMISSION_REASON = STREAMS.index("admission_reason")
_S_DEATH = STREAMS.index("death")
_S_GP = STREAMS.index("gp")
_S_HOME_NURSING = STREAMS.index("home_nursing")
_S_LOS_ANGLE_0 = STREAMS.index("los_angle_0")
_S_LOS_RADIUS_0 = STREAMS.index("los_radius_0")
_S_NURSING_HOME = STREAMS.index("nursing_home")
_S_ONSET = STREAMS.index("onset")
_S_ONSET_WHICH = STREAMS.index("onset_which")
_S_PRACTICE_NURSE = STREAMS.index("practice_nurse")
_S_REHABILITATION = STREAMS.index("rehabilitation")
_C_HOME_NURSING = CATEGORY_INDEX["home_nursing"]
_C_NURSING_HOME = CATEGORY_INDEX["nursing_home"]
_C_PRACTICE_NURSE = CATEGORY_INDEX["practice_nurse"]
_C_REHABILITATION = CATEGORY_INDEX["rehabilitation"]
_PROCESS_CATEGORY = np.array([CATEGORY_INDEX[p] for p in PROCESSES], np.int8)
_DEMENTIA = CONDITION_BIT["dementia"]
_HIP_KNEE, _STROKE = REASON_INDEX["hip_knee"], REASON_INDEX["stroke"]
_M1, _M2, _GOLDEN = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), np.uint64(0x9E3779B97F4A7C15)
_UNIT = 1.0 / 9007199254740992.0
_JIT = {"nogil": True, "cache": True, "error_model": "numpy"}


@numba.njit(inline="always", **_JIT)
def uniform(key: np.uint64, slot: int) -> float:
    """`rng.hashed_uniform` for one slot: splitmix64 of (slot xor key), 53 bits in [0, 1)."""
    x = np.uint64(slot) ^ key
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    x = x ^ (x >> np.uint64(31))
    return float(np.int64(x >> np.uint64(11))) * _UNIT  # through int64: a single conversion instruction


@numba.njit(**_JIT)
def poisson_count(u: float, lam: float) -> int:
    """Poisson(lam) by inversion of u: monotone in lam for a given u. Zero is decided without exp where u < 1 - lam."""
    if u < 1.0 - lam:
        return 0
    p = math.exp(-lam)
    cdf = p
    k = 0
    while u >= cdf and cdf < 1.0 - 1e-12:
        k += 1
        p = p * lam / k
        cdf += p
    return k


@numba.njit(**_JIT)
def binomial_count(u: float, n: int, p: float) -> int:
    """Binomial(n, p) by inversion of u (small n): monotone in p for a given u."""
    if p >= 1.0:
        return n
    if p <= 0.0:
        return 0
    q = 1.0 - p
    pmf = 1.0
    for _ in range(n):  # q ** n for the small n here, without a call to pow
        pmf *= q
    cdf = pmf
    k = 0
    while u >= cdf and k < n and cdf < 1.0 - 1e-12:
        k += 1
        pmf = pmf * (n - k + 1) / k * p / q
        cdf += pmf
    return k


BLOCK = 2048  # slots per block: the block's shared draws stay in cache while each arm reads them
MAX_EVENTS = 11  # events a slot can add in one arm and month (a death, seven contact kinds, rehabilitation, two care states)
_SHARED_STREAMS = np.array([_S_DEATH, _S_ONSET, _S_GP, _S_GP + 1, _S_GP + 2, _S_GP + 3, _S_GP + 4, _S_GP + 5, _S_ADMISSION,
                            _S_NURSING_HOME, _S_HOME_NURSING], np.int64)  # rows of the block's draws


@numba.njit(**_JIT)
def _room(a: np.ndarray, used: int, need: int) -> np.ndarray:
    """`a`, or a copy with room for `need` more after `used`."""
    if used + need <= a.size:
        return a
    out = np.empty(max(2 * a.size, used + need), a.dtype)
    out[:used] = a[:used]
    return out


@numba.njit(inline="always", **_JIT)
def _event(events: np.ndarray, n: int, counts: np.ndarray, arm: int, code: int, slot: int, volume: int) -> int:
    """Write one event at `n`, packed as slot | volume << 32 | (arm, code) << 48; return the next free row."""
    group = arm * N_CODES + code
    events[n] = np.int64(slot) | (np.int64(volume) << 32) | (np.int64(group) << 48)
    counts[group] += 1
    return n + 1


@numba.njit(**_JIT)
def care_kernel(start, stop, step, n_arms, entrants, keys, shared, cohort, tables, states, multipliers, drugs, guess, admission_guess):
    """One month of phases 1-5 for slots start..stop of every arm; states are updated in place, `drugs[arm]` filled.

    Disjoint slot ranges can run at once in threads (the kernel holds no lock and no shared output).

    `cohort` and `tables` are tuples in the order `month.care_months` builds them; `states[arm]` is
    (alive, conditions, last discharge, home nursing, nursing home, cell, in episode), `multipliers[arm]`
    (cell, reason, episode, has episode). Returns the events (offsets [arm * N_CODES + code + 1], slot,
    volume), sorted by arm, code and slot, and the admissions (offsets [arm + 1], slot, stays, avoidable,
    readmissions, reason, bed-days) by arm and slot.
    """
    events = np.empty(guess, np.int64)
    admitted = np.empty(admission_guess, np.int64)
    counts = np.zeros(n_arms * N_CODES, np.int64)
    ad_counts = np.zeros(n_arms, np.int64)
    u = np.empty((_SHARED_STREAMS.size, BLOCK))
    same = np.empty(BLOCK, np.int8)
    first = np.zeros((2, BLOCK + 1), np.int64)  # arm 0's first event and admission row of each slot of the block
    n_ev = n_ad = 0
    s0, s1 = states[0], states[1]
    m0, m1 = multipliers[0], multipliers[1]
    cell_same = _rows_equal(m0[0], m1[0])
    episode_same = _equal(m0[2], m1[2])
    reason_same = _equal(m0[1].ravel(), m1[1].ravel())
    for b0 in range(start, stop, BLOCK):
        b1 = min(stop, b0 + BLOCK)
        for r in range(_SHARED_STREAMS.size):  # stream by stream: the hash loop vectorises
            key = keys[_SHARED_STREAMS[r]]
            for j in range(b1 - b0):
                u[r, j] = uniform(key, b0 + j)
        whole = n_arms == 2 and reason_same  # whether arm 1 repeats arm 0 in every slot of the block
        for j in range(b1 - b0):  # how far the arms' inputs agree (inline: a call taking the state tuples costs 80 ns a slot)
            i = b0 + j
            same[j] = 0  # 1: alive and conditions (phases 1-2); 2: everything the kernel reads, so arm 1 repeats arm 0
            if n_arms == 2 and s0[0][i] == s1[0][i] and s0[1][i] == s1[1][i]:
                same[j] = 1
                if (s0[2][i] == s1[2][i] and s0[3][i] == s1[3][i] and s0[4][i] == s1[4][i] and s0[5][i] == s1[5][i]
                        and cell_same[s0[5][i]]):
                    inside0 = m0[3] and s0[6][i]
                    inside1 = m1[3] and s1[6][i]
                    if inside0 == inside1 and (episode_same or not inside0):
                        same[j] = 2
            whole = whole and same[j] == 2
        for arm in range(n_arms):
            events = _room(events, n_ev, MAX_EVENTS * BLOCK)
            admitted = _room(admitted, n_ad, BLOCK)
            st, mu = (s0, multipliers[0]) if arm == 0 else (s1, multipliers[1])
            if arm == 1:  # where the states agreed, phases 1-2 are arm 0's
                for j in range(b1 - b0):
                    i = b0 + j
                    if same[j]:
                        if s1[0][i] and not s0[0][i]:
                            n_ev = _event(events, n_ev, counts, 1, DEATH, i, 1)
                        s1[0][i], s1[1][i] = s0[0][i], s0[1][i]
            if arm == 1 and whole:
                n_ev, n_ad = _repeat_block(b0, b1, first[0], first[1], events, n_ev, counts, admitted, n_ad, ad_counts, s0[2], s0[3],
                                           s0[4], drugs[0], s1[2], s1[3], s1[4], drugs[1])
                continue
            origin = (first[0], first[1], s0[2], s0[3], s0[4], drugs[0], reason_same)
            n_ev, n_ad = _arm_block(b0, b1, arm, step, entrants, keys, shared, u, same, origin, *cohort, *tables, *st, *mu,
                                    drugs[arm], events, n_ev, counts, admitted, n_ad, ad_counts)
    return counts, events[:n_ev], ad_counts, admitted[:n_ad]


@numba.njit(**_JIT)
def _repeat_block(b0, b1, first_event, first_admission, events, n_ev, counts, admitted, n_ad, ad_counts,
                  last_discharge0, home_nursing0, nursing_home0, drugs0, last_discharge1, home_nursing1, nursing_home1, drugs1):
    """Arm 1 where it repeats arm 0 in every slot of the block: arm 0's events (but deaths, written before) and
    admissions as arm 1's, in the same order, and its state; what `_arm_block` copies slot by slot, in one sweep."""
    group = np.int64(N_CODES) << 48
    for e in range(first_event[0], first_event[b1 - b0]):
        code = events[e] >> 48
        if code != DEATH:
            events[n_ev] = events[e] + group
            counts[N_CODES + code] += 1
            n_ev += 1
    for e in range(first_admission[0], first_admission[b1 - b0]):
        admitted[n_ad] = admitted[e] | (np.int64(1) << 56)
        n_ad += 1
    ad_counts[1] += first_admission[b1 - b0] - first_admission[0]
    for i in range(b0, b1):
        last_discharge1[i], home_nursing1[i], nursing_home1[i], drugs1[i] = last_discharge0[i], home_nursing0[i], nursing_home0[i], drugs0[i]
    return n_ev, n_ad


@numba.njit(**_JIT)
def _equal(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two 1-d arrays hold the same values."""
    if a.size != b.size:
        return False
    for k in range(a.size):
        if a[k] != b[k]:
            return False
    return True


@numba.njit(**_JIT)
def _rows_equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row of two [n, k] arrays: whether the arms' multipliers of that cell agree."""
    out = np.empty(a.shape[0], np.bool_)
    for c in range(a.shape[0]):
        out[c] = _equal(a[c], b[c])
    return out


@numba.njit(**_JIT)
def _arm_block(b0, b1, arm, step, entrants, keys, shared, u, same, origin,  # noqa: PLR0913, PLR0915 - one pass needs every input
               age, stratum, propensity, death_frailty, condition_mult, admission_frailty, stay_frailty, drug_intensity,
               death_base, death_ratio, onset_total, onset, grids, drug_age, drug_mask, admission_avoidable, avoidable_scale,
               admission_other, avoidable_by_condition, los_median, stay_scale, nursing_home_entry, home_nursing_start,
               home_nursing_ratio,
               alive, conditions, last_discharge, home_nursing, nursing_home, cell, in_episode,
               cell_mult, reason_mult, episode_mult, has_episode,
               drugs, events, n_ev, counts, admitted, n_ad, ad_counts):
    """Phases 1-5 of one arm for slots b0..b1; returns the next free rows.

    Arm 0 notes in `origin` where each slot's events and admissions start. Arm 1 skips phases 1-2 where `same` is 1 or 2
    (arm 0 did them); where it is 2 it copies arm 0's outcome of the slot (events, admission, state, drugs), which is
    what it would compute from the same inputs and draws, unless a stay's multipliers by reason differ.
    """
    first_event, first_admission, last_discharge0, home_nursing0, nursing_home0, drugs0, reason_same = origin
    n_ages = los_median.size
    n_cond = avoidable_by_condition.shape[1]
    readmission_monthly, hip_knee, stroke, sigma, rehab_p, dementia_ratio, hn_stop, nurse_share, drug_trend = (
        shared[0], shared[1], shared[2], shared[3], shared[4], shared[5], shared[6], shared[7], shared[8])
    for j in range(b1 - b0):
        i = b0 + j
        if arm == 0:
            first_event[j], first_admission[j] = n_ev, n_ad
        elif same[j] == 2 and (reason_same or first_admission[j + 1] == first_admission[j]):
            for e in range(first_event[j], first_event[j + 1]):
                code = events[e] >> 48
                if code != DEATH:  # arm 1's deaths where the states agreed are written before the block
                    n_ev = _event(events, n_ev, counts, 1, code, i, (events[e] >> 32) & 0xFFFF)
            for e in range(first_admission[j], first_admission[j + 1]):
                admitted[n_ad] = admitted[e] | (np.int64(1) << 56)
                n_ad += 1
                ad_counts[1] += 1
            last_discharge[i], home_nursing[i], nursing_home[i], drugs[i] = (last_discharge0[i], home_nursing0[i], nursing_home0[i],
                                                                              drugs0[i])
            continue
        a_ = age[i]
        sa = stratum[i] * n_ages + a_
        # ---- 1-2 demography and morbidity
        if not (arm == 1 and same[j]):
            if alive[i]:
                if u[0, j] < min(death_base[sa] * death_frailty[i] * death_ratio[conditions[i]], 1.0):
                    alive[i] = False
                    n_ev = _event(events, n_ev, counts, arm, DEATH, i, 1)
            elif step > 0 and entrants[0] <= i < entrants[1]:
                alive[i] = True
            if alive[i] and u[1, j] < onset_total[sa] * condition_mult[i]:
                v = uniform(keys[_S_ONSET_WHICH], i)
                total = max(onset_total[sa], 1e-12)
                cum = 0.0
                pick = 0
                for c in range(n_cond):
                    cum += onset[stratum[i], a_, c]
                    if v >= cum / total:
                        pick = c + 1
                conditions[i] |= np.uint8(1 << min(pick, n_cond - 1))
        if not alive[i]:
            drugs[i] = 0.0
            home_nursing[i] = False
            continue
        # ---- 3 care seeking: six contact processes, the practice nurse, drugs
        mask = conditions[i]
        c_ = cell[i]
        inside = has_episode and in_episode[i]
        prop = propensity[i]
        for k in range(6):
            rate = grids[a_ * 128 + mask, k] * cell_mult[c_, k] * prop
            if inside:
                rate *= episode_mult[k]
            uk = u[2 + k, j]
            if uk < 1.0 - rate:  # no contact (exp(-rate) >= 1 - rate): most slots stop here
                continue
            count = poisson_count(uk, rate)
            if count == 0:
                continue
            if k == 0:  # the practice's contacts: some are the practice nurse's
                share = nurse_share + (1.0 - nurse_share) * cell_mult[c_, 12]
                nurse = binomial_count(uniform(keys[_S_PRACTICE_NURSE], i), count, share)
                if nurse > 0:
                    n_ev = _event(events, n_ev, counts, arm, _C_PRACTICE_NURSE, i, nurse)
                count -= nurse
                if count == 0:
                    continue
            n_ev = _event(events, n_ev, counts, arm, _PROCESS_CATEGORY[k], i, count)
        scale = np.float32(drug_trend * drug_intensity[i])
        drugs[i] = np.float32(drug_age[a_]) * scale + np.float32(drug_mask[mask]) * scale
        # ---- 4 acute classic stays
        after = last_discharge[i] == step - 1
        avoidable = admission_avoidable[mask] * admission_frailty[i] * avoidable_scale[sa] * cell_mult[c_, 6] * cell_mult[c_, 8]
        readmit = readmission_monthly * cell_mult[c_, 7] * (episode_mult[6] if inside else 1.0) if after else 0.0
        other = admission_other[sa] * admission_frailty[i] * cell_mult[c_, 8] * cell_mult[c_, 9]
        total = avoidable + readmit + other
        ua = u[8, j]
        stays = min(poisson_count(ua, total), MAX_STAYS_PER_MONTH)
        if stays > 0:
            # given at least one stay, u is uniform on [exp(-total), 1): its position there picks the first stay's kind
            first_avoidable = (1.0 - ua) / max(-math.expm1(-total), 1e-12) * total < avoidable
            v = uniform(keys[_S_ADMISSION_REASON], i)
            reason = 0
            if first_avoidable:
                whole = 0.0
                for c in range(n_cond):
                    whole += avoidable_by_condition[mask, c]
                cum = 0.0
                which = 0
                for c in range(n_cond):
                    cum += avoidable_by_condition[mask, c]
                    if v >= cum / max(whole, 1e-12):
                        which = c + 1
                reason = FIRST_AVOIDABLE_REASON + min(which, n_cond - 1)
            elif a_ >= 50 and v < hip_knee:
                reason = _HIP_KNEE
            elif a_ >= 50 and v < hip_knee + stroke:
                reason = _STROKE
            frail = stay_frailty[i] * stay_scale[sa]
            days = 0.0
            for s in range(stays):
                u1 = uniform(keys[_S_LOS_RADIUS_0 + 2 * s], i)
                u2 = uniform(keys[_S_LOS_ANGLE_0 + 2 * s], i)
                z = math.sqrt(-2.0 * math.log1p(-u1)) * math.cos(2.0 * math.pi * u2)
                days += los_median[a_] * frail * math.exp(sigma * z)
            days *= cell_mult[c_, 10] * reason_mult[0, reason]
            bed_days = min(max(int(np.rint(days)), stays), MAX_STAY * stays)
            # packed as slot | days << 32 | stays << 42 | avoidable << 44 | readmissions << 45 | reason << 48 | arm << 56
            admitted[n_ad] = (np.int64(i) | (np.int64(bed_days) << 32) | (np.int64(stays) << 42) | (np.int64(first_avoidable) << 44)
                              | (np.int64(int(after) + stays - 1) << 45) | (np.int64(reason) << 48) | (np.int64(arm) << 56))
            n_ad += 1
            ad_counts[arm] += 1
            last_discharge[i] = step
            # ---- 5a rehabilitation after a stay
            if a_ >= 65 and uniform(keys[_S_REHABILITATION], i) < rehab_p * reason_mult[1, reason] * cell_mult[c_, 11]:
                n_ev = _event(events, n_ev, counts, arm, _C_REHABILITATION, i, 1)
        # ---- 5b nursing-home entry, home-nursing spells
        entry = nursing_home_entry[a_] * cell_mult[c_, 13] * (dementia_ratio if mask & _DEMENTIA else 1.0)
        if not nursing_home[i] and u[9, j] < entry:
            nursing_home[i] = True
        uh = u[10, j]
        spell = uh >= hn_stop if home_nursing[i] else uh < home_nursing_start[a_] * home_nursing_ratio[mask]
        spell = spell and not nursing_home[i]
        home_nursing[i] = spell
        if spell:
            n_ev = _event(events, n_ev, counts, arm, _C_HOME_NURSING, i, 1)
        if nursing_home[i]:
            n_ev = _event(events, n_ev, counts, arm, _C_NURSING_HOME, i, 1)
    if arm == 0:
        first_event[b1 - b0], first_admission[b1 - b0] = n_ev, n_ad
    return n_ev, n_ad
