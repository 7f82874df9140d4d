"""Probabilistic sensitivity analysis: parameter draws, the runs of every draw, and what the variance owes to each."""
