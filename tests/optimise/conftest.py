"""The sweep fixtures (a tiny base scenario and sweep files) for the optimiser's tests."""

from tests.sweep.conftest import make_sweep  # noqa: F401 - a fixture
