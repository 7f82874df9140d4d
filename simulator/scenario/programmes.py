"""Integrated-care programmes (royal decree of 29 March 2024): target group, convention, partners, money and measurement.

A programme runs in the reform arm, in its zones, for its target group, from the convention's
start to its end (or its extension). Its flows (coordination funding, investments, the
settlements attached to it) are booked to the payer each one names.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from simulator.categories import CONDITIONS, PAYERS
from simulator.scenario.fields import Section, listing, param
from simulator.scenario.reform import IDENTIFIER, P4P, IndexedAmount, Measurement, SharingTerms
from simulator.service_groups import NOT_MODELLED, SERVICE_GROUPS, categories_of


def _date(value: object) -> object:
    """A TOML date, or the same as ISO text (as a manifest writes it)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


Date = Annotated[datetime.date, BeforeValidator(_date)]
ConditionName = Literal[CONDITIONS]  # type: ignore[valid-type]
Payer = Literal[tuple(p for p in PAYERS if p != "patients")]  # type: ignore[valid-type]
ServiceGroup = Literal[SERVICE_GROUPS]  # type: ignore[valid-type]
PartnerKind = Literal["gp_practices", "hospital_network", "home_care", "physiotherapy", "pharmacy", "integration_management"]
Destination = Literal["primary_care", "hospital", "social_home_care", "prevention"]


class TargetGroup(Section):
    """Who the programme is for: every criterion given must hold (a combination); re-assessed each 1 January."""

    conditions: list[ConditionName] = listing(list, "conditions", "At least one of these recorded chronic conditions; empty: no condition criterion")
    min_conditions: int = param(0, "count", "At least this many chronic conditions (2: multimorbidity)", ge=0, le=7)
    age_min: int = param(0, "years", "Youngest age included", ge=0, le=120)
    age_max: int = param(120, "years", "Oldest age included", ge=0, le=120)
    min_risk_score: float = param(0.0, "ratio", "Expected cost at least this multiple of the base year's mean (0: no criterion)", ge=0, le=100)
    bim: Literal["any", "bim", "non_bim"] = param("any", "choice", "Increased reimbursement (BIM): any, BIM only, or other patients only")

    @model_validator(mode="after")
    def _ages_in_order(self) -> TargetGroup:
        if self.age_min > self.age_max:
            raise ValueError("allowed: age_min <= age_max")
        return self


class Convention(Section):
    """The convention's dates: money flows in the months from `start` to `end` (or `extended_to`), and never after."""

    start: Date = param(..., "date", "First day of the convention (decree: conventions start by 31 December 2027)")
    end: Date = param(datetime.date(2028, 12, 31), "date", "Last day, unless extended (decree: 31 December 2028)")
    extended_to: Date | None = param(None, "date", "Last day of an extension (none: not extended)")
    settle_after_end: bool = param(
        False, "yes/no", "Pay the settlements of convention years that fall due after the end (the data lag): false keeps the "
        "rule that nothing is paid after the convention's end; they are then shown as not paid")

    @model_validator(mode="after")
    def _in_order(self) -> Convention:
        if self.end < self.start:
            raise ValueError("allowed: end on or after start")
        if self.extended_to is not None and self.extended_to < self.end:
            raise ValueError("allowed: extended_to on or after end")
        return self

    @property
    def last_day(self) -> datetime.date:
        """The convention's last day, with its extension."""
        return self.extended_to or self.end


class Partner(Section):
    """A named partner of the convention and its keys for sharing gains, losses and the budget guarantee."""

    name: str = param(..., "identifier", "Name of the partner in tables", pattern=IDENTIFIER)
    kind: PartnerKind = param(..., "kind", "Who the partner is in the model: the programme zones' GP practices (by their target "
                              "patients' months), their hospital network, home-care or physiotherapy services, pharmacies, or the "
                              "integration management")
    gains_share: float = param(0.0, "share", "Key for sharing gains (the partners' keys add up to 1 where gains are shared)", ge=0, le=1)
    losses_share: float = param(0.0, "share", "Key for bearing losses", ge=0, le=1)
    guarantee_share: float = param(0.0, "share", "Key for the budget guarantee (hospital pilot convention, Art. 7 8°)", ge=0, le=1)


class Funding(IndexedAmount):
    """Coordination funding paid each year of the convention to the integration management, pro rata by day."""

    eur_per_year: float = param(
        0.0, "euro per year", "Amount per year at `price_year` prices: the integrated-care pilots had EUR 152,520 (EUR "
        "159,342.07 indexed, 2021) + EUR 208,333 = EUR 367,675 a year (convention, seed 001)", ge=0)
    payer: Payer = param("federal_insurance", "payer", "Who pays it")  # type: ignore[valid-type]


class Effects(Section):
    """Relative effects on the target group (0.1 = 10 % fewer; continuity: share points more). Each needs a source or a U mark."""

    avoidable_admissions: float = param(0.0, "share", "Fewer avoidable (ambulatory-care-sensitive) admissions", ge=0, le=1)
    emergency_visits: float = param(0.0, "share", "Fewer emergency visits not followed by admission", ge=0, le=1)
    readmissions: float = param(0.0, "share", "Fewer 30-day readmissions", ge=0, le=1)
    nursing_home_entry: float = param(0.0, "share", "Fewer entries into a nursing home", ge=0, le=1)
    continuity: float = param(0.0, "share points", "More GP contacts with the usual practice (capped at 1)", ge=0, le=1)
    source: str = param("U", "text", "Where the effects come from: a citation and its mark (V, D), or U (assumption)")

    def any(self) -> bool:
        """Whether any effect is set."""
        return any(getattr(self, k) > 0 for k in ("avoidable_admissions", "emergency_visits", "readmissions", "nursing_home_entry", "continuity"))


class Investment(Section):
    """An up-front intervention of the programme: a cost when the convention starts, a yearly cost, effects after a lag."""

    name: str = param(..., "identifier", "Name of the intervention", pattern=IDENTIFIER)
    destination: Destination = param(
        "primary_care", "destination", "Who receives the money: primary care (the zones' GP practices), hospital (the network), "
        "social and home care (the home-care services), prevention (the integration management)")
    up_front_eur: float = param(0.0, "euro", "Paid in the convention's first month (tools, training, set-up)", ge=0)
    eur_per_year: float = param(0.0, "euro per year", "Running cost at the year's prices, while the convention runs", ge=0)
    start_lag_years: int = param(1, "years", "Years from the convention's start before the effects show", ge=0, le=10)
    effects: Effects = Field(default_factory=Effects)
    payer: Payer = param("federal_insurance", "payer", "Who pays it")  # type: ignore[valid-type]


class ProgrammeMeasurement(Measurement):
    """Expected against actual cost of the target group, AIM-style: compulsory-insurance money on service groups.

    `scope` always follows the service groups: it is set from them, whatever is given."""

    @model_validator(mode="before")
    @classmethod
    def _scope_from_groups(cls, data: object) -> object:
        if isinstance(data, dict):
            groups = data.get("service_groups", list(SERVICE_GROUPS))
            known = [g for g in groups if g in SERVICE_GROUPS] if isinstance(groups, list) else []
            scope = categories_of(known)
            if known and not scope:
                raise ValueError("allowed: at least one service group the model covers (not only " + ", ".join(NOT_MODELLED) + ")")
            data = {**data, "scope": scope or categories_of(SERVICE_GROUPS)}
        return data

    service_groups: list[ServiceGroup] = listing(  # type: ignore[valid-type]
        lambda: list(SERVICE_GROUPS), "service groups", "The sixteen AIM service groups counted; groups the model does not "
        "cover count nothing (see `simulator.service_groups`)", min_length=1)
    data_lag_quarters: int = param(
        2, "quarters", "Quarters after the end of a year before its measure is known and settled: AIM counts six accounting "
        "quarters of year Y, booked before 30 June of Y+1 (convention Art. 9 § 2), so 2", ge=0, le=16)


class ProgrammeSharedSavings(SharingTerms):
    """Shared savings on the programme's measure, shared among the partners by their gains and losses keys."""


class ProgrammeGuarantee(Section):
    """The budget guarantee on the programme, shared among partners by their guarantee keys: expected minus actual
    cost is paid to them when they spend less and recovered from them when they spend more."""

    share: float = param(1.0, "share", "Share of the difference corrected (1: the full guarantee)", ge=0, le=1)
    basis: Literal["target_group", "zone", "episodes"] = param(
        "target_group", "choice", "target_group: expected against actual cost of the programme's patients; zone: of all "
        "residents of its zones; episodes: the budgeted status-quo cost of the target group's episodes (those of "
        "[reform.bundled], closed in the year) against their in-scope claims, as the hospital pilots budget per episode")


class Programme(Section):
    """One integrated-care programme."""

    name: str = param(..., "identifier", "Name of the programme", pattern=IDENTIFIER, max_length=64)
    territories: list[str] = listing(..., "zone names", "Zones of the programme (a zone belongs to one programme at most)", min_length=1)
    target_group: TargetGroup = Field(default_factory=TargetGroup)
    convention: Convention
    partners: list[Partner] = listing(list, "list", "Named partners and their keys")
    funding: Funding = Field(default_factory=Funding)
    investments: list[Investment] = listing(list, "list", "Up-front investments and their effects")
    measurement: ProgrammeMeasurement = Field(default_factory=ProgrammeMeasurement)
    shared_savings: ProgrammeSharedSavings | None = Field(None, description="Shared savings on the target group [section]",
                                                          json_schema_extra={"unit": "section"})
    budget_guarantee: ProgrammeGuarantee | None = Field(None, description="Budget guarantee [section]", json_schema_extra={"unit": "section"})
    p4p: P4P | None = Field(None, description="Pay for performance on the target group: each GP practice of the programme's "
                            "zones is measured over its target patients and paid by `settlement_payer` when the measure is known "
                            "[section]", json_schema_extra={"unit": "section"})
    reinvestment_share: float = param(0.0, "share", "Share of the programme's positive gain that raises its investments' running "
                                      "budget the year after it is known (the investments' shares of running cost split it)", ge=0, le=1)
    reinvestment_returns: float = param(
        0.5, "elasticity", "How the investments' effects grow with a budget raised by reinvested gains: each effect e becomes "
        "1 - (1 - e)^s with s = (budget / own budget)^returns (0: more money, no more effect; 1: constant returns). U: no "
        "source; diminishing returns assumed", ge=0, le=1)
    settlement_payer: Payer = param("federal_insurance", "payer", "Who pays (and receives back) the shared savings and the guarantee")  # type: ignore[valid-type]
    maximum_budget_eur: float | None = param(None, "euro per year", "Ceiling of the programme's yearly funding and investments "
                                             "(settlements are not counted: they are set by the measure); none: no ceiling", ge=0)

    @model_validator(mode="after")
    def _keys_add_up(self) -> Programme:
        for key, needed in (("gains_share", self.shared_savings), ("losses_share", self.shared_savings and self.shared_savings.downside),
                            ("guarantee_share", self.budget_guarantee)):
            total = sum(getattr(p, key) for p in self.partners)
            if needed and abs(total - 1) > 1e-9:
                raise ValueError(f"allowed: partners' {key} adding up to 1 (now {total:g})")
        return self
