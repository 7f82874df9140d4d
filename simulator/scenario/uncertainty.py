"""Distributions over scenario values: sweep levers, sweep uncertainties and a scenario's `[[uncertainties]]`.

A factor names a dotted path (as `--set` does) and either a list of values or a
distribution over a range. A scenario's `[[uncertainties]]` and its `[psa]` section turn one
run into a probabilistic sensitivity analysis (PSA): `draws` parameter sets, each run with
the scenario's replications on common random numbers.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from simulator.scenario.fields import Section, param

DISTRIBUTIONS = ("uniform", "normal", "triangular", "lognormal")


class Factor(Section):
    """One scenario value to vary: a list of values, or a distribution over a range."""

    path: str = param(..., "dotted path", "Scenario value to vary, as in --set, e.g. reform.shared_savings.sharing_rate")
    values: list[Any] | None = param(None, "list", "Values to take (grid: every one; sampled designs: drawn with equal chance)")
    distribution: Literal["uniform", "normal", "triangular", "lognormal"] = param(
        "uniform", "name", "Distribution over the range: uniform(low, high), normal(mean, sd) cut to [low, high] if given, "
        "triangular(low, mode, high), lognormal(median, sigma)")
    low: float | None = param(None, "same as the parameter", "Lower bound (uniform, triangular; optional cut for normal)")
    high: float | None = param(None, "same as the parameter", "Upper bound (uniform, triangular; optional cut for normal)")
    mode: float | None = param(None, "same as the parameter", "Most likely value (triangular)")
    mean: float | None = param(None, "same as the parameter", "Mean (normal)")
    sd: float | None = param(None, "same as the parameter", "Standard deviation (normal)", gt=0)
    median: float | None = param(None, "same as the parameter", "Median (lognormal)", gt=0)
    sigma: float | None = param(None, "log units", "Standard deviation of the log (lognormal)", gt=0)
    levels: int = param(3, "count", "Grid design: evenly spaced values from low to high", ge=2, le=100)
    integer: bool = param(False, "yes/no", "Round drawn values to whole numbers")

    @model_validator(mode="after")
    def _complete(self) -> Factor:
        if self.values is not None:
            if not self.values:
                raise ValueError("allowed: a non-empty list of values")
            return self
        needed = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"), "normal": ("mean", "sd"),
                  "lognormal": ("median", "sigma")}[self.distribution]
        missing = [n for n in needed if getattr(self, n) is None]
        if missing:
            raise ValueError(f"allowed: values = [...], or {self.distribution} with {', '.join(needed)} (missing: {', '.join(missing)})")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"allowed: low < high (got {self.low} and {self.high})")
        if self.distribution == "triangular" and not self.low <= self.mode <= self.high:  # type: ignore[operator]
            raise ValueError("allowed: low <= mode <= high")
        return self

    def describe(self) -> str:
        """The distribution in a few words, e.g. 'triangular(0, 0.01, 0.02)'."""
        if self.values is not None:
            return "one of " + ", ".join(map(str, self.values))
        args = {"uniform": (self.low, self.high), "triangular": (self.low, self.mode, self.high),
                "normal": (self.mean, self.sd), "lognormal": (self.median, self.sigma)}[self.distribution]
        return f"{self.distribution}({', '.join(f'{a:g}' for a in args)})"  # type: ignore[str-format]


class Uncertainty(Factor):
    """An uncertain input: what is not known, as opposed to a lever the policy maker sets."""

    source: str = param("", "text", "Where the range comes from (author, year, what was measured), or why it is an assumption")
    mark: Literal["V", "D", "U", ""] = param("", "mark", "V verified in the source, D derived from sourced figures, U assumption")


class PsaSection(Section):
    """Probabilistic sensitivity analysis: parameter sets drawn from `[[uncertainties]]`, each run with every replication."""

    draws: int = param(0, "parameter sets", "Parameter sets to draw (0: no PSA, one run of the scenario as written); "
                       "`simsim run --psa N` sets it", ge=0, le=10_000)
    design: Literal["latin", "random"] = param("latin", "design", "latin: Latin hypercube over the uncertainties; random: independent draws")
    seed: int | None = param(None, "integer", "Seed of the parameter draws (none: derived from run.seed); the replications' seeds "
                             "do not depend on it: replication r of every draw shares its seed (common random numbers)", ge=0, le=2**63 - 1)
    behaviour_ranges: bool = param(
        False, "yes/no", "Also draw every behavioural parameter not listed in [[uncertainties]] from its shipped range "
        "(simulator/data/behaviour_sources.csv): triangular(low, the scenario's value, high)")
