# ChargeClock — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# What the app needs (make run), and the test tools on top (make test): a clinic's machine
# never gets pytest, mypy and ruff.
APP    := $(VENV)/.installed-app
DEV    := $(VENV)/.installed-dev

.PHONY: run demo test lint typecheck pytest bench bundle clean

$(APP): pyproject.toml
	@# A venv made with the Qt 6.12 wheels (pyside6-pdf) is rebuilt: see pyproject.toml.
	if $(BIN)/python -m pip show pyside6-pdf >/dev/null 2>&1; then rm -rf $(VENV); fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(APP)

$(DEV): $(APP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV)

## run the app on the embedded SQLite database in your data directory
run: $(APP)
	$(BIN)/chargeclock

## run the app on a throwaway demo database
demo: $(APP)
	$(BIN)/chargeclock --demo

## the whole test suite: lint, types, tests
test: lint typecheck pytest

lint: $(DEV)
	$(BIN)/ruff check desktop tests
	$(BIN)/ruff format --check desktop tests

typecheck: $(DEV)
	$(BIN)/mypy

pytest: $(DEV)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

## benchmarks (never part of `make test`)
bench: $(DEV)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider tests/perf -o addopts="" -s

## the desktop bundle: dist/chargeclock/ (one folder, windowed; see packaging/INSTALL.md)
bundle: $(APP)
	$(BIN)/python -m pip install --quiet 'pyinstaller>=6.10'
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/chargeclock.spec

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
