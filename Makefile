# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
DB ?= data/warehouse.duckdb
PORT ?= 8501

.PHONY: setup run test lint bench demo clean-db

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

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .

clean-db:
	rm -f $(DB) $(DB).lock
