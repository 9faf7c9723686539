# The two front-door commands: `make demo` and `make test`. Both create .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_STAMP := $(VENV)/.installed-demo
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit browser check-scenarios check-report report schema bench fuzz clean

# The demo needs brainflops (matplotlib comes with it); the tests also need the test tools.
# A fresh clone's `make test` installs both in one pip run (one resolve, one build of the
# package: ~10 s less than the demo's install followed by the tests').
# A new venv gets pip from the host's pip (2 s) rather than ensurepip and an upgrade (4.5 s);
# pip 25.1 or newer is needed for dependency groups (--group).
define install
	test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	$(BIN)/python -c "import sys, pip; sys.exit(tuple(map(int, pip.__version__.split('.')[:2])) < (25, 1))" 2>/dev/null || \
	  $(PYTHON) -m pip --python $(BIN)/python install --quiet --upgrade pip || \
	  { $(BIN)/python -m ensurepip && $(BIN)/python -m pip install --quiet --upgrade pip; }
	$(BIN)/python -m pip install --quiet $(2) -e $(1)
	# byte-compiled as pip compiles an installed copy: every run starts ~40 ms sooner
	# where PYTHONDONTWRITEBYTECODE keeps Python from caching what it compiles; the
	# scenario's validator is kept beside the bytecode, as the first command would keep it
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m compileall -q brainflops
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m brainflops.model.prebuilt
endef

$(DEMO_STAMP): pyproject.toml
	$(call install,.)
	touch $(DEMO_STAMP)

# The tests' install compiles nothing (pip would compile all 400 MB of it, ~8 s): the tests
# run with bytecode caching on, so what they import is compiled once, on first import.
$(STAMP): pyproject.toml
	$(call install,'.[pandas]' --group test,--no-compile)
	touch $(DEMO_STAMP) $(STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/brainflops estimate dettmers-2015
	$(BIN)/brainflops compare dettmers-2015
	$(BIN)/brainflops report scenarios/ -o demo-report
	@echo "The report for every bundled scenario: demo-report/index.html (or index.md)"

# The tests run `brainflops check` on every bundled scenario (tests/test_docs.py) and
# `report --check` on the committed report (tests/test_report.py): run once, there, not
# again as check-scenarios and check-report (kept for running alone).
# mypy (one core, ~6 s) runs beside the tests rather than before them.
test: lint
	$(MAKE) --no-print-directory -j2 typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check brainflops tests benchmarks action
	$(BIN)/ruff format --check brainflops tests benchmarks action

typecheck: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/mypy --strict brainflops

# The HTML report is checked in a real browser: Debian's Chromium, installed when missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser check of the HTML report"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

unit: $(STAMP) browser
	PYTHONDONTWRITEBYTECODE= BRAINFLOPS_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n auto --dist worksteal

# Every benchmark with a goal, in turns; the results as JSON (benchmarks/__main__.py).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --group bench
	$(BIN)/python -m benchmarks --json bench-results.json

check-scenarios: $(STAMP)
	$(BIN)/brainflops check scenarios/ > /dev/null

check-report: $(STAMP)
	$(BIN)/brainflops report scenarios/ -o docs/report --check

report: $(STAMP)
	$(BIN)/brainflops report scenarios/ -o docs/report

schema: $(STAMP)
	$(BIN)/brainflops schema > brainflops/data/scenario.schema.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache demo-report
