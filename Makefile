# Targets named in the README. Each one installs what it needs into .venv.
.PHONY: demo test lint format benchmark

demo:  ## Serve the demo network on SQLite at http://127.0.0.1:8000/
	scripts/demo.sh

test:  ## Lint, then the test suite on SQLite and on PostgreSQL
	scripts/test.sh

lint:
	scripts/bootstrap.sh requirements-dev.txt
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	scripts/bootstrap.sh requirements-dev.txt
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .
