# make run   set up PostgreSQL, build, migrate, seed and serve on http://127.0.0.1:8080
# make test  set up PostgreSQL and run the whole test suite
# make bench release build, data set, load with wrk against pgbench -S; writes bench/RESULTS.md
# make stop  stop the private PostgreSQL cluster; make clean removes its data (asks first)
SHELL := /bin/bash
.DEFAULT_GOAL := help

DB := scripts/db.sh
BIN := $(or $(CARGO_TARGET_DIR),target)/debug/ssw-api
RELEASE_BIN := $(or $(CARGO_TARGET_DIR),target)/release/ssw-api
DATA_DIR = $(shell $(DB) datadir)
ADMIN_EMAIL ?= admin@example.org
SKIP_DEMO ?= 0
export RUST_LOG ?= info

.PHONY: help run test fuzz fault examples stop clean build openapi lint spec-lint bench fmt

help:
	@echo "make run     set up PostgreSQL, build, migrate, seed and serve on http://127.0.0.1:8080 (SKIP_DEMO=1: no demo data)"
	@echo "make test    set up PostgreSQL and run the whole test suite"
	@echo "make fuzz    schemathesis against the running service: all checks and phases, fixed seed"
	@echo "make fault   stop PostgreSQL under a write load (503s, recovery, no acknowledged write lost); kill -9 the server mid-import (nothing half-applied); two servers on one database; reads from a replica"
	@echo "make examples examples/sync_measurements.py and a generated Python client against the service"
	@echo "make lint    cargo fmt --check, clippy -D warnings, OpenAPI lint"
	@echo "make openapi regenerate openapi/openapi.json"
	@echo "make bench   release build, benchmark data set, wrk against pgbench -S; writes bench/RESULTS.md"
	@echo "make stop    stop the private PostgreSQL cluster"
	@echo "make clean   remove the cluster and its data (asks first)"

build:
	cargo build --bins

run: build
	@$(DB) start
	@$(DB) createdb ssw
	@secret_file="$(DATA_DIR)/jwt-secret"; \
	  [ -s "$$secret_file" ] || (umask 077; head -c 48 /dev/urandom | base64 -w0 > "$$secret_file"); \
	  export DATABASE_URL="$$($(DB) url ssw)" SSW_JWT_SECRET="$$(cat "$$secret_file")"; \
	  $(BIN) migrate && \
	  $(BIN) create-user --if-no-admin --email "$(ADMIN_EMAIL)" --display-name "Administrator" --role admin && \
	  if [ "$(SKIP_DEMO)" != "1" ]; then $(BIN) seed; fi && \
	  echo "Swagger UI: http://127.0.0.1:8080/docs  (Ctrl-C stops the server; 'make stop' stops PostgreSQL)" && \
	  exec $(BIN) serve

test:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && { DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null; }; }; } || { echo "install chromium (apt-get install chromium): the HTML report test opens pages in it"; exit 1; }
	@$(DB) start
	cargo build --bins --tests
	@$(DB) dropdb ssw_template >/dev/null
	@$(DB) createdb ssw_template
	@$(BIN) migrate --database-url "$$($(DB) url ssw_template)"
	SSW_TEST_DATABASE_URL="$$($(DB) url postgres)" SSW_TEST_TEMPLATE=ssw_template cargo test --no-fail-fast

fuzz: build
	BIN=$(BIN) bash fuzz/run.sh

fault: build
	BIN=$(BIN) python3 scripts/fault.py
	BIN=$(BIN) python3 scripts/fault_import.py
	BIN=$(BIN) python3 scripts/instances.py
	BIN=$(BIN) python3 scripts/replica.py

examples: build
	BIN=$(BIN) python3 scripts/integrators.py

openapi: build
	$(BIN) openapi > openapi/openapi.json

lint:
	cargo fmt --all -- --check
	bash scripts/features.sh
	cargo clippy --all-targets -- -D warnings
	$(MAKE) spec-lint

spec-lint:
	npx --yes @redocly/cli@2.77.0 lint --config .redocly.yaml openapi/openapi.json

stop:
	@$(DB) stop

clean:
	@read -r -p "Remove the database cluster and all its data in $(DATA_DIR)? [y/N] " answer; \
	  if [ "$$answer" = y ] || [ "$$answer" = Y ]; then $(DB) stop; rm -rf "$(DATA_DIR)"; echo removed; else echo kept; fi

bench:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y wrk >/dev/null; } || { echo "install wrk (apt-get install wrk)"; exit 1; }
	@command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
	@$(DB) start
	cargo build --release --bins
	BIN=$(RELEASE_BIN) python3 bench/run.py
