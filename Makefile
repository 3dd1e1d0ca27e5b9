# Border Atlas: `make run` starts the app on 127.0.0.1:8501, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8501

.PHONY: run test lint data vendor bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: set up and start the explorer on its bundled data (offline basemap by default)
run: $(STAMP)
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

## test: lint (ruff) and types (mypy over geo/ and layers/), then unit, data-contract, app
## and browser tests
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

## lint: ruff and mypy only (what `make test` runs before the tests)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

## data: rebuild data/*.geojson from data/curated/*.toml and the pinned npm sources, and the
## browser's copies (static/web/*.json, static/atlas/symbols.json)
data: $(STAMP)
	$(BIN)/python -m geo.build

## vendor: re-fetch Leaflet and jQuery from npm into static/vendor/ (they are committed)
vendor: $(STAMP)
	$(BIN)/python -m geo.build.vendor

## bench: speed figures against a naive baseline measured in the same run (by hand, not CI)
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/explorer_bench.py
	$(BIN)/python bench/export_bench.py
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/limits_bench.py
	$(BIN)/python bench/cost_bench.py
	FUZZ_EXAMPLES=1000 $(BIN)/python -m pytest -q -p no:warnings tests/test_fuzz.py
	$(BIN)/python bench/cartography_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts build *.egg-info
