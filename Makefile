# The two commands of the README: `make run` and `make test`.
# Both create the virtual environment and install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# where `make run` serves the web application
BIND   ?= 127.0.0.1:8000

.PHONY: run test test-sqlite test-postgres system-deps runtime-deps lint bench bench-web bench-votes clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The web application with the demo data, on http://$(BIND), and the worker that scores in
# the background (Ctrl-C stops both).
# The demo is loaded only into an empty database; the accounts are printed each time.
run: runtime-deps $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo --if-empty
	@echo "党建考评已启动：http://$(BIND)/ （Ctrl-C 停止）"
	@# the background worker (scoring) beside gunicorn; stopped with it
	$(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/gunicorn kaoping.web.wsgi --bind $(BIND) --workers 2 --threads 4 \
	    --access-logfile - --access-logformat '%(t)s "%(r)s" %(s)s %(M)sms'

# Debian's PostgreSQL, Chromium and CJK fonts (installed only when missing), ruff, the
# whole suite on SQLite, then the web and browser tests on a PostgreSQL server started
# (and stopped) here.
test: system-deps $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest
	PYTHON=$(BIN)/python bash scripts/pg-test.sh

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest

test-postgres: system-deps $(STAMP)
	PYTHON=$(BIN)/python bash scripts/pg-test.sh

system-deps:
	@bash scripts/system-deps.sh

# what the running application needs of Debian: CJK fonts and the PDF libraries
runtime-deps:
	@bash scripts/system-deps.sh run

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/engine.py

# Deadline day: N reporters submitting at once against gunicorn, on SQLite and PostgreSQL.
bench-web: system-deps $(STAMP)
	bash scripts/with-postgres.sh $(BIN)/python bench/web_load.py

# A meeting of 1,000 raters voting at once on a ballot, against gunicorn, on SQLite and PostgreSQL.
bench-votes: system-deps $(STAMP)
	bash scripts/with-postgres.sh $(BIN)/python bench/vote_load.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis test-artifacts
