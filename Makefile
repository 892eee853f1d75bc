# xiansuo — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
WORKDIR ?= demo
# This machine sets PYTHONDONTWRITEBYTECODE; compile at install time instead (GX imports in 1 s, not 12).
export UV_COMPILE_BYTECODE := 1
export UV_LINK_MODE := copy

.PHONY: demo test lint format env dev bench-generate bench-ingest bench-ingest-floor bench-typing bench-rules bench-patterns bench-leads bench-stats clean

demo: env ## synthetic four-province world → full pipeline → reports
	$(BIN)/xiansuo demo --workdir $(WORKDIR)

test: env ## lint, format check and the test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

env: $(VENV)/.synced

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

lint: env
	$(BIN)/ruff check .

format: env
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

dev: env ## the Dagster UI on the demo work dir (never in CI)
	XIANSUO_WORKDIR=$(WORKDIR) DAGSTER_HOME=$(abspath $(WORKDIR))/.dagster $(BIN)/dg dev

# Benchmarks (not tests): each prints times, peak memory and quality figures.
# The medium world uses a seed no test uses, so the detectors are not tuned to it.
BENCH_WORLD ?= /tmp/xiansuo-bench-medium-4242

$(BENCH_WORLD)/_truth/manifest.json: | env
	$(BIN)/xiansuo generate --out $(BENCH_WORLD) --scale medium --seed 4242

bench-generate: env
	$(BIN)/python tests/bench/bench_generate.py tiny small medium
bench-ingest: env $(BENCH_WORLD)/_truth/manifest.json
	$(BIN)/python tests/bench/bench_ingest.py --landing $(BENCH_WORLD)
bench-ingest-floor: env $(BENCH_WORLD)/_truth/manifest.json
	$(BIN)/python tests/bench/bench_ingest.py --landing $(BENCH_WORLD) --floor
bench-typing: env $(BENCH_WORLD)/_truth/manifest.json  ## AGAINST=<git revision>, default HEAD
	$(BIN)/python tests/bench/bench_typing.py --landing $(BENCH_WORLD) --against $(or $(AGAINST),HEAD)
bench-rules: env
	$(BIN)/python tests/bench/bench_rules.py --scale medium
bench-patterns: env $(BENCH_WORLD)/_truth/manifest.json
	$(BIN)/python tests/bench/bench_patterns.py --landing $(BENCH_WORLD)
bench-leads: env
	$(BIN)/python tests/bench/bench_leads.py
bench-stats: env
	$(BIN)/python tests/bench/bench_stats.py

clean:
	rm -rf $(WORKDIR) .pytest_cache .ruff_cache
