# Haven: every project verb is a target here. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(PY) -m rasa
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONPATH := $(CURDIR)

.PHONY: help install run chat train validate evaluate lint test sync-responses check-resources \
	purge lock clean bench run-production

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

install: ## Create .venv (Python 3.10), install locked deps, build the spaCy pipeline
	@scripts/bootstrap.sh

run: install train ## Install, train if needed, start the assistant; serve Telegram when TELEGRAM_BOT_TOKEN is set, else a local chat
	@$(PY) -m bot

run-production: install ## Start the production profile (PostgreSQL, Redis; docs/deploy.md): action server and Rasa on loopback
	@HAVEN_PROFILE=production $(PY) -m scripts.production

bench: install ## Benchmark Rasa's default serving against the production profile; writes docs/performance.md
	@test -n "$$(ls models/*.tar.gz 2>/dev/null)" || $(MAKE) --no-print-directory train
	@$(PY) -m scripts.bench $(BENCH_ARGS)

chat: install ## Chat in the terminal (reads stdin line by line when it is not a terminal)
	@test -n "$$(ls models/*.tar.gz 2>/dev/null)" || $(MAKE) --no-print-directory train
	@$(PY) -m bot.local_chat

train: install ## Train a model into models/ (skipped when data and config are unchanged)
	@$(RASA) train --config config.yml --domain domain.yml --data data --out models --quiet

sync-responses: install ## Re-render the urgent replies in domain.yml from resources/
	@$(PY) -m scripts.sync_urgent_responses

check-resources: install ## Validate a resource directory (DIR=..., default the shipped one) and show what each country and topic resolves to
	@$(PY) -m actions.directory.check $(if $(DIR),--dir $(DIR))

purge: install ## Delete stored conversations older than HAVEN_RETENTION_DAYS (default 30)
	@$(PY) -m haven_privacy.retention purge

validate: install ## Check training data, stories and the generated responses
	@$(PY) -m scripts.sync_urgent_responses --check
	@$(RASA) data validate --domain domain.yml --data data --config config.yml \
		--max-history 5 --fail-on-warnings

evaluate: install ## 5-fold cross-validation and the held-out set: intent F1 per intent
	@$(PY) -m scripts.evaluate

lint: install ## Ruff
	@$(VENV)/bin/ruff check actions bot haven_nlu haven_privacy haven_scale scripts tests
	@$(VENV)/bin/ruff format --check actions bot haven_nlu haven_privacy haven_scale scripts tests

# The tests that need no model run while the model trains (training keeps about one of two cores
# busy); the rest run once it is there. Both parts always run; either failing fails the target.
test: install lint ## Install, lint, validate, train once, run every test
	@mkdir -p var/log
	@$(MAKE) --no-print-directory validate train > var/log/validate-and-train.log 2>&1 & prepare=$$!; \
	$(PY) -m pytest -m "not needs_model" --durations=5; without_model=$$?; \
	echo "tests without the model: done after $$SECONDS s"; \
	if ! wait $$prepare; then cat var/log/validate-and-train.log; exit 1; fi; \
	echo "validate and train: passed after $$SECONDS s (var/log/validate-and-train.log)"; \
	$(PY) -m pytest -m needs_model --durations=10; with_model=$$?; \
	echo "tests with the model: done after $$SECONDS s"; \
	exit $$(( without_model || with_model ))

lock: ## Re-pin constraints.txt from the current .venv after changing requirements
	@(echo "# Lock file: every package of a working install, for reproducible installs (pip -c)."; \
	  echo "# Regenerate with \`make lock\` after changing requirements*.txt."; \
	  $(PY) -m pip freeze --exclude-editable) > constraints.txt

clean: ## Remove trained models, results and logs (keeps .venv)
	rm -rf models results var/log var/run .pytest_cache
