# `make run`: set up .venv and run the default scenario.  `make test`: set up and run the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/simsim run scenarios/pilot_zone.toml --out runs/pilot_zone --overwrite

test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile

bench: $(STAMP)
	$(PY) benchmarks/bench_core.py --reform scenarios/mixed_model.toml

clean:
	rm -rf $(VENV) runs .pytest_cache build *.egg-info
