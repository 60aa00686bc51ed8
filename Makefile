# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
DB ?= data/warehouse.duckdb
PORT ?= 8501

.PHONY: setup system-deps run test lint quality bench demo clean-db

setup: $(STAMP)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

$(DB): | $(STAMP)
	$(BIN)/python -m etl ingest data/reports --db $(DB)

run: setup $(DB)
	WAREHOUSE=$(DB) $(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

# The browser tests and the briefings' chart images need Debian's chromium and CJK fonts (Chinese renders as
# boxes without them): as root, install them with apt; otherwise say in one line what to run. The briefing test
# also renders a .docx with LibreOffice Writer: installed the same way when it can be, and skipped (saying why)
# when it cannot, so a machine without it still runs everything else.
system-deps:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium and fonts-noto-cjk (apt)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null; \
	else echo "The browser tests need: sudo apt-get install chromium fonts-noto-cjk"; exit 1; fi
	@command -v soffice >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  echo "installing libreoffice-writer (apt)" && \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer >/dev/null \
	    2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends libreoffice-writer >/dev/null; }; }; } || \
	  echo "LibreOffice Writer is not installed: the briefing rendering test will skip (apt-get install libreoffice-writer)"

test: setup system-deps
	$(BIN)/python -m pytest -q

# Extraction scored against hand labels: the held-out half of the real corpus and the spec's openings.
quality: setup
	$(BIN)/python -m etl quality

lint: setup
	$(BIN)/ruff check .

# A separate warehouse of ~3,000 synthetic reports plus the real samples, so trends and rankings have data.
# It never touches data/warehouse.duckdb.
DEMO := data/demo
$(DEMO)/warehouse.duckdb: | $(STAMP)
	test -f $(DEMO)/corpus/truth.jsonl || $(BIN)/python -m etl synth --n 3000 --out $(DEMO)/corpus --seed 2026
	$(BIN)/python -m etl ingest $(DEMO)/corpus data/reports --db $@

demo: setup $(DEMO)/warehouse.duckdb
	WAREHOUSE=$(DEMO)/warehouse.duckdb $(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

# Benchmarks print ratios against baselines timed in the same run and write bench/results.md.
bench: setup
	$(BIN)/python bench/run.py

clean-db:
	rm -f $(DB) $(DB).lock
