# The two commands of the README: `make demo` and `make test`. Both set up .venv when needed.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.spark-installed

.PHONY: demo test bench lint clean golden

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

# pyspark (hundreds of MB, and Java 17 to run) only where Spark is used: the tests and the bench,
# not `make demo`.
$(SPARK_STAMP): $(STAMP)
	$(VENV)/bin/pip install --quiet -e '.[test,postgres,spark]'
	touch $(SPARK_STAMP)

demo: $(STAMP)
	$(VENV)/bin/netlead demo netlead-demo

test: $(SPARK_STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/pytest -q

bench: $(SPARK_STAMP)
	$(VENV)/bin/python benchmarks/bench.py

# Refresh the golden transpiled SQL (tests/golden/<dialect>/) after reviewing the diff.
golden: $(STAMP)
	$(VENV)/bin/python tests/golden/test_golden.py --write

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) netlead-demo .pytest_cache
