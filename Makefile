# Two entry points do all set-up on a fresh machine:
#   make run    create the virtual environment if missing, then serve the app on 127.0.0.1
#               (WORKERS=N or WORKERS=auto: N processes behind Debian's nginx, on the same port)
#   make test   the same set-up plus Debian's chromium and nginx, then lint and every test
#               (browser tests included)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8501
# App processes: 1 (one Streamlit process, no proxy), a number, or auto (one per usable core).
WORKERS ?= 1
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: venv chromium nginx run test test-fast lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

chromium:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

nginx:
	@test -x /usr/sbin/nginx || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx; }

ifeq ($(WORKERS),1)
run: venv
	$(PY) -m optim_lab.ui.serve --server.address 127.0.0.1 --server.port $(PORT) --server.headless true
else
run: venv nginx
	$(PY) -m optim_lab.ui.workers --workers $(WORKERS) --port $(PORT) --address 127.0.0.1
endif

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: venv chromium nginx lint
	$(PY) -m pytest -n 2 --dist loadfile

# The inner loop: no browser, no server (tests marked e2e or slow are left to `make test`).
test-fast: venv
	$(PY) -m pytest -n 2 -q -m "not e2e and not slow"

bench: venv
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
