# Two commands for a newcomer: `make run` and `make test`. Everything else is a building block.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3

# Python 3.10: on PATH, else pyenv's newest 3.10.x.
PYTHON310 := $(shell for p in python3.10 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V | tail -1); do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)

.PHONY: run test setup browser nlp train validate lint stories unit e2e bench replay bench-replay nlu-report simulate \
	crisis-eval purge clean

# make run PROFILE=cluster: PostgreSQL, Redis, Rasa replicas and action servers behind nginx (docs/cluster.md).
run: setup nlp train
	$(PY) -m bot run $(if $(PROFILE),--profile $(PROFILE))

test: setup browser nlp validate lint train stories
	$(PY) -m pytest -q --durations=25

setup: $(VENV)/.installed node_modules/.installed

# Front-end libraries (socket.io-client for the widget, axe-core for the accessibility checks), from the lockfile.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The browser tests drive Debian's chromium through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON310)" ]; then \
		echo "Python 3.10 is required (Rasa 3.6 runs on 3.8-3.10) and none was found."; \
		echo "Install it with 'pyenv install 3.10.13' or your system's python3.10 package, then re-run."; \
		exit 1; fi
	@[ -x $(PY) ] || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

nlp: setup
	$(PY) -m bot.conversation.nlp

train: setup
	$(PY) -m bot train

# Fails on any warning except two: Rasa 3.6 reports the `faq` retrieval intent as "duplicated across
# domain files" whenever its responses live in data/ (its importer merges a generated domain that
# also lists it; data/knowledge/faq.yml is that file by design), and it counts a response as used only
# when a story names it (utter_ask_correction is sent by action_ask_correction, with a button per answer).
KNOWN_RASA_WARNING := duplicated intents have been found across multiple domain files: faq\|The utterance .utter_ask_correction. is not used
validate: setup
	@out=$$($(VENV)/bin/rasa data validate 2>&1); status=$$?; \
	problems=$$(echo "$$out" | grep -E "UserWarning|ERROR" | grep -v "$(KNOWN_RASA_WARNING)"); \
	if [ $$status -ne 0 ] || [ -n "$$problems" ]; then echo "$$out" | grep -v -E "Deprecat|declare_namespace" | tail -30; \
		echo "rasa data validate is not clean"; exit 1; fi; echo "rasa data validate: clean"

# Test stories (tests/stories/) for the crisis, consent, deletion and handoff rules: any wrong prediction fails.
stories: setup train
	@mkdir -p results
	@$(VENV)/bin/rasa test core --stories tests/stories --fail-on-prediction-errors --out results/stories \
		--model "$$($(PY) -c 'from bot.app.model import model_path; print(model_path())' 2>/dev/null)" >results/stories.log 2>&1 \
		|| { echo "test stories failed: results/stories/failed_test_stories.yml, results/stories.log"; exit 1; }
	@echo "test stories: every action predicted"

lint: setup
	$(VENV)/bin/ruff check bot actions components tests bench

unit: setup nlp
	$(PY) -m pytest -q -m "not e2e"

e2e: setup browser nlp train
	$(PY) -m pytest -q -m e2e

bench: setup nlp train
	$(PY) bench/conversations.py --concurrency 10 --conversations 40
	$(PY) bench/profiles.py --concurrency 10 --conversations 30 --replicas 1 2

# Replay call transcripts: make replay IN=folder [OUT=results/replay] [WORKERS=2]
IN ?= tests/data/replay_heldout
OUT ?= results/replay
replay: setup nlp train
	$(PY) -m bot replay $(IN) --out $(OUT) $(if $(WORKERS),--workers $(WORKERS))

# Delete conversations, intakes, events, audit rows and replay runs older than the retention (docs/privacy.md):
# make purge [DAYS=180]
purge: setup
	$(PY) -m bot purge $(if $(DAYS),--older-than $(DAYS))

bench-replay: setup nlp train
	$(PY) bench/replay.py --calls 1000 --workers 1 --workers 2 --workers 4
	$(PY) bench/replay.py --calls 10000 --workers 2

# Simulated people (tests/data/personas) talk to a self-started assistant: SET=dev|final, MODE=clicks|typing.
simulate: setup nlp train
	$(PY) bench/simulate.py $(if $(SET),--set $(SET)) $(if $(MODE),--mode $(MODE))

# Crisis detection on the blind sets (tests/data/crisis), in-process: SET=dev|final.
crisis-eval: setup nlp train
	$(PY) bench/crisis_eval.py $(if $(SET),--set $(SET))

# NLU figures for intents and FAQ answers: 3-fold cross-validation (trains three models, ~10 min).
nlu-report: setup nlp
	$(VENV)/bin/rasa test nlu --nlu data --config config.yml --cross-validation --folds 3 --out results/nlu
	$(PY) bench/nlu_report.py results/nlu

clean:
	rm -rf models .cache var results
