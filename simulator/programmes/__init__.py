"""Integrated-care programmes at run time: target groups, conventions, flows, measurement and evaluations."""
