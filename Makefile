# compcalc developer commands. Everything runs from the project's own .venv, which `make venv`
# creates from the lock files; any target that needs it depends on it, so a fresh clone needs
# only python3 and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Type-check only the source trees that exist (bench/ and migrations/ may not yet).
MYPY_DIRS := $(wildcard app tests bench migrations)

.DEFAULT_GOAL := help
.PHONY: help venv run lint format test test-fast openapi messages bench bench-peers lock clean distclean

help:
	@echo "make run       serve the API on http://127.0.0.1:8000 (docs at /docs)"
	@echo "make test      lint, type-check and run the whole test suite"
	@echo "make test-fast pytest without the tests marked slow (fuzzing, browser, reliability, load)"
	@echo "make lint      ruff check, ruff format --check, mypy --strict"
	@echo "make format    apply ruff formatting and safe fixes"
	@echo "make openapi   regenerate openapi.json"
	@echo "make messages  extract the messages to translate, update and compile app/locale/"
	@echo "make bench     run the benchmark scripts in bench/"
	@echo "make bench-peers  install requirements-bench.lock (OpenFisca) and run bench/peers.py"
	@echo "make lock      re-resolve and re-pin requirements*.lock (needs the package index)"
	@echo "make venv      create/refresh .venv from the lock files"
	@echo "make clean     remove caches and build output (distclean also removes .venv)"

venv: $(STAMP)

# Reinstall whenever a lock file or the project metadata changes. The project itself goes in
# with --no-deps so that only the locks decide which versions are installed.
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Bring the database (COMPCALC_DATABASE_URL, default ./compcalc.db) to the latest migration, create
# and print an admin key if it has none, then serve; a fresh clone needs nothing else.
run: venv
	$(BIN)/alembic upgrade head
	$(BIN)/compcalc keys bootstrap
	$(BIN)/compcalc serve --host 127.0.0.1 --port 8000

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict $(MYPY_DIRS)

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/pytest
	$(BIN)/compcalc validate examples/
	$(BIN)/compcalc test examples/tests/

# The edit-test loop: no lint, and none of the tests marked slow (pyproject.toml); `make test`
# and CI still run them all.
test-fast: venv
	$(BIN)/pytest -m "not slow"
# ---- scheme checks (`compcalc validate examples/` and friends) are added below this line ----

# Written through a temporary file so a failing command cannot leave openapi.json truncated.
# The scheme models are in both documents, so the editors' JSON Schema is regenerated with it.
openapi: venv
	$(BIN)/compcalc openapi > openapi.json.tmp || { rm -f openapi.json.tmp; exit 1; }
	mv openapi.json.tmp openapi.json
	$(BIN)/compcalc schema > schemas/scheme.schema.json.tmp || { rm -f schemas/scheme.schema.json.tmp; exit 1; }
	mv schemas/scheme.schema.json.tmp schemas/scheme.schema.json

# The message catalogs (app/i18n): extract every _("…") into the template, merge it into each
# language's .po (translate the new msgstr there, then run it again), compile the .mo files;
# all of them are committed, and a test checks that each .mo is its .po compiled.
messages: venv
	$(BIN)/pybabel extract -F babel.cfg --project=compcalc --no-wrap --sort-by-file -o app/locale/compcalc.pot app
	$(BIN)/pybabel update -D compcalc -i app/locale/compcalc.pot -d app/locale --no-wrap --no-fuzzy-matching
	$(BIN)/pybabel compile -D compcalc -d app/locale

bench: venv
	@found=0; for f in bench/*.py; do \
		[ -e "$$f" ] || continue; found=1; \
		echo "== $$f"; $(BIN)/python "$$f" || exit 1; \
	done; [ $$found = 1 ] || echo "no benchmark scripts in bench/ yet"

# The peers benchmark with its bench-only dependencies (OpenFisca), installed into .venv from
# their own lock; the service's locks and runtime never include them.
bench-peers: venv
	$(BIN)/python -m pip install --quiet -r requirements-bench.lock
	$(BIN)/python bench/peers.py

# Resolve the newest versions allowed by pyproject.toml in a scratch venv and pin them all.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet .
	{ echo "# Runtime dependencies of compcalc, every package pinned exactly (transitive ones included)."; \
	  echo "# Python 3.11. Install with: pip install -r requirements.lock && pip install --no-deps ."; \
	  echo "# Regenerate with: make lock"; \
	  .lock-venv/bin/python -m pip freeze --exclude compcalc; } > requirements.lock
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	{ echo "# Runtime + development dependencies of compcalc (the dev extra), pinned exactly."; \
	  echo "# Python 3.11. Install with: pip install -r requirements-dev.lock && pip install --no-deps -e ."; \
	  echo "# Regenerate with: make lock"; \
	  .lock-venv/bin/python -m pip freeze --exclude compcalc; } > requirements-dev.lock
	rm -rf .lock-venv

clean:
	rm -rf build dist *.egg-info app/*.egg-info .mypy_cache .ruff_cache .pytest_cache \
		.hypothesis openapi.json.tmp .lock-venv
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
