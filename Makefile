# Border Atlas: `make run` starts the app on 127.0.0.1:8501, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8501

NODE_STAMP := node_modules/.installed-stamp

.PHONY: run test lint js data vendor bench clean

# setuptools tells every editable install of a project laid out like this one (packages at the
# top, geo.data mapped to data/) to mind same-named folders in the working directory: a notice,
# not a problem; pip prints it as a warning, so it is filtered by its text and nothing else is.
QUIET_EDITABLE := PYTHONWARNINGS='ignore:Editable installation'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(QUIET_EDITABLE) $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: set up and start the explorer on its bundled data (offline basemap by default)
run: $(STAMP)
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

# Test-time tools for the browser engine (TypeScript for its type checks), pinned by
# package-lock.json; `make run` and a user's install never need npm or node.
$(NODE_STAMP): package.json package-lock.json
	npm ci --prefer-offline --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

## js: the browser engine's types (tsc over static/atlas/ from its JSDoc) and its unit tests
## (Node's own runner, tests/js/)
js: $(NODE_STAMP)
	node_modules/.bin/tsc -p tsconfig.json
	node --test --test-reporter=dot tests/js/*.test.js

## test: the engine's types and unit tests (make js), lint (ruff) and types (mypy over geo/,
## layers/, ui/ and app.py), then unit, data-contract, app and browser tests
test: $(STAMP) js
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

## vendor: re-fetch Leaflet from npm into static/vendor/ (it is committed, with its licence)
vendor: $(STAMP)
	$(BIN)/python -m geo.build.vendor

## bench: speed figures against a naive baseline measured in the same run (by hand, not CI)
bench: $(STAMP)
	$(QUIET_EDITABLE) $(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/explorer_bench.py
	$(BIN)/python bench/engine_split_bench.py
	$(BIN)/python bench/seam_cost_bench.py
	$(BIN)/python bench/export_bench.py
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/limits_bench.py
	$(BIN)/python bench/cost_bench.py
	$(BIN)/python bench/memory_bench.py
	$(BIN)/python bench/crowd_bench.py
	FUZZ_EXAMPLES=1000 $(BIN)/python -m pytest -q -p no:warnings tests/test_fuzz.py
	$(BIN)/python bench/cartography_bench.py
	$(BIN)/python bench/site_bench.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache artifacts build *.egg-info
