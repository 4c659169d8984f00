# mailbot: `make run` starts the daemon on its embedded defaults, `make test` runs every test.
# Both create the virtual environment they need in .venv/ and build the intent model once.

VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
MODEL   := intents/training/model-best/meta.json
PYTHON  ?= python3

.PHONY: run test lint model system-deps bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

CLASSIFIER := $(wildcard mailbot/classify/*.py) mailbot/mail/text.py

# The project reruns only the steps whose inputs changed (a code change: calibrate, evaluate).
$(MODEL): $(STAMP) $(wildcard intents/data/*.jsonl intents/patterns/*.jsonl) intents/configs/config.cfg intents/project.yml $(CLASSIFIER)
	$(BIN)/mailbot train
	touch $@

model: $(MODEL)

run: $(MODEL)
	$(BIN)/mailbot db upgrade
	$(BIN)/mailbot demo seed
	$(BIN)/mailbot run

system-deps:
	scripts/install-system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check mailbot tests bench
	$(BIN)/mypy mailbot

test: system-deps $(MODEL) lint
	$(BIN)/pytest

bench: $(MODEL) system-deps
	$(BIN)/python bench/run.py

clean:
	rm -rf var intents/corpus intents/training intents/metrics intents/project.lock
