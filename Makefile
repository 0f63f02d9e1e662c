# The commands a developer needs; each installs and starts what it needs first.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
TOOLCHAIN := source scripts/toolchain.sh

.PHONY: dev down test setup system-deps install lint typecheck test-unit test-integration stack status

## make dev: everything installed and started, the platform running locally, the gateway URL printed
dev: setup
	@$(TOOLCHAIN) && scripts/dev.sh up

## make down: stop what make dev / make test started, and nothing else
down:
	@$(TOOLCHAIN) && scripts/dev.sh down

## make test: lint, type-check, unit and integration tests against the real servers
test: setup
	@$(TOOLCHAIN) && scripts/stack.sh up && pnpm test

setup: system-deps install

system-deps:
	@scripts/system-deps.sh

install:
	@$(TOOLCHAIN) && pnpm install --frozen-lockfile --reporter=append-only

lint:
	@$(TOOLCHAIN) && pnpm lint

typecheck:
	@$(TOOLCHAIN) && pnpm typecheck

test-unit:
	@$(TOOLCHAIN) && pnpm test:unit

test-integration: setup
	@$(TOOLCHAIN) && scripts/stack.sh up && pnpm test:integration

stack: setup
	@$(TOOLCHAIN) && scripts/stack.sh up

status:
	@scripts/stack.sh status
