# Bering: the README's commands.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run install install-test migrate demo serve test lint typecheck unit test-scale bench clean messages mutation

run: install migrate demo serve

install:
	@scripts/bootstrap.sh

install-test:
	@scripts/bootstrap.sh --test

migrate:
	@mkdir -p var
	@echo "== Обновляю базу данных"
	@$(PY) manage.py migrate --no-input -v0
	@$(PY) manage.py search_reindex --missing -v0
	@$(PY) manage.py collectstatic --no-input -v0

demo:
	@echo "== Загружаю демонстрационный край"
	@$(PY) manage.py seed_demo

serve:
	@scripts/serve.sh $(HOST) $(PORT)

lint: install-test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run -v0

typecheck: install-test
	.venv/bin/mypy .

unit: install-test
	scripts/test.sh

# The scale configuration against real PostgreSQL, Redis and S3 (moto) servers (decision 0022).
test-scale: install-test
	scripts/test_scale.sh

test: lint typecheck unit test-scale

bench: install-test
	$(PY) bench/run.py

# Mutation testing of the rule modules (decision 0015); not part of `make test`.
# MUTATION_BUDGET: seconds before it stops and prints what it has (0: run all).
MUTATION_BUDGET ?= 0
mutation: install-test
	$(PY) scripts/mutation.py --budget $(MUTATION_BUDGET) $(MUTATION_MODULES)

clean:
	rm -rf var .venv

messages: install-test
	$(PY) manage.py makemessages -l ru --no-location -i ".venv/*" -i "var/*"
	$(PY) manage.py compilemessages -l ru
