# One place for setting up and checking newsmon; README's commands call these targets.
VENV ?= .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install demo run check lint test benchmarks classifier desk-classifier

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# The CPU build on this machine's disk; an unpinned torch pulls a multi-GB CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/newsmon demo

run: install
	$(VENV)/bin/newsmon run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: install
	$(PY) -m pytest

check: lint test

# The shipped classifier's training data: the project's own examples, and the training split
# of the real labelled news in ../shared/data/topic (its test split is frozen, never trained on).
SHARED_TOPIC ?= ../shared/data/topic
OWN_EXAMPLES := --labels seeds/labels.jsonl --labels seeds/labels-more.jsonl \
	--labels seeds/topic/train-a.jsonl --labels seeds/topic/train-b.jsonl \
	--labels seeds/topic/train-pairs.jsonl
SHARED_LABELS := $(SHARED_TOPIC)/real_labels.jsonl $(SHARED_TOPIC)/weak_labels.jsonl

# Retrain the shipped classifier.
classifier: install
	$(VENV)/bin/newsmon train $(OWN_EXAMPLES) $(addprefix --split-labels ,$(SHARED_LABELS)) \
		--output config/classifier/russia-georgia.json

# A head of the same data (the real labelled news where SHARED_TOPIC finds it) and the desk's
# marks (DESK=desk.jsonl, from `newsmon labels export`), saved under NEWSMON_HOME; the shipped
# head stays as it is.
desk-classifier: install
	$(if $(DESK),,$(error give DESK=FILE: the desk's marks, from newsmon labels export))
	$(VENV)/bin/newsmon train $(OWN_EXAMPLES) \
		$(addprefix --split-labels ,$(wildcard $(SHARED_LABELS))) --labels $(DESK)

benchmarks: install
	$(PY) benchmarks/topic.py
	$(PY) benchmarks/topic_quality.py
	$(PY) benchmarks/latency.py
	$(PY) benchmarks/language.py
	$(PY) benchmarks/extraction.py
	$(PY) benchmarks/stories.py
	$(PY) benchmarks/desk_loop.py
	$(PY) benchmarks/backfill.py
