# The commands a developer needs; each installs and starts what it needs first.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
TOOLCHAIN := source scripts/toolchain.sh
# The local stack's connection variables, from the script that knows its folder and ports (CHIRP_STACK_DIR, CHIRP_*_PORT).
STACK_ENV := eval "$$(scripts/stack.sh env)"

PHONY_BENCH := bench bench-streaming bench-user-followers bench-tweet bench-timeline bench-gateway-revocation
# deploy-tools: the checkers test/deploy runs (scripts/deploy-tools.sh); only the commands that run those tests install them.
# trace-backend: Jaeger, built once from its Go module into ~/.cache/chirp (scripts/jaeger.sh; minutes the first time), for the tracing test and make dev.
# fuzz-tools: Schemathesis for test/e2e/schemathesis.test.ts (scripts/schemathesis.sh), likewise.
.PHONY: chaos redrive dev down test setup deploy-tools trace-backend fuzz-tools $(PHONY_BENCH) system-deps install lint typecheck test-unit test-integration stack status validate-deploy

## make dev: everything installed and started, the platform running locally, the gateway URL printed
dev: setup
	@$(TOOLCHAIN) && scripts/dev.sh up

## make down: stop what make dev / make test started, and nothing else
down:
	@$(TOOLCHAIN) && scripts/dev.sh down

## make test: lint, type-check, unit and integration tests against the real servers (the API fuzz test included)
test: setup deploy-tools trace-backend fuzz-tools
	@$(TOOLCHAIN) && scripts/stack.sh up && pnpm test

## make redrive: move dead-lettered messages back to their queues on the local stack, once their cause is fixed
## (QUEUES="chirp-timeline chirp-user" limits it; DRY_RUN=1 only counts); one JSON line per queue. See k8s/README.md for AWS
redrive:
	@$(TOOLCHAIN) && $(STACK_ENV) && node scripts/redrive.ts $(if $(DRY_RUN),--dry-run) $(foreach q,$(QUEUES),--queue $(q))

## make bench: the social-network benchmark through the gateway (seeds socfb-Reed98, mixed run, step run, baseline; ~12 min);
## report in bench/results/<date>-reed98/. PROFILE=1 records CPU profiles of the services; BENCH_FLAGS passes more (see bench/src/main.ts)
bench: setup
	@$(TOOLCHAIN) && scripts/stack.sh up >/dev/null && $(STACK_ENV) && node bench/src/main.ts $(if $(PROFILE),--profile) $(BENCH_FLAGS)

## make bench-streaming: 10,000 Server-Sent Event streams on one gateway process while the mix runs at 20 req/s; prints the
## gateway's memory per stream and delivery lag p50/p99, medians of 3 runs (~10 min). STREAMING_FLAGS passes more (bench/src/streaming.ts)
bench-streaming: setup
	@$(TOOLCHAIN) && scripts/stack.sh up >/dev/null && $(STACK_ENV) && ulimit -n "$$(ulimit -Hn)" && node bench/src/streaming.ts $(STREAMING_FLAGS)

## make bench-user-followers: followers page 1 vs page 500 of a 1,000,000-follower account (seeds once, ~40 s)
bench-user-followers: setup
	@$(TOOLCHAIN) && scripts/stack.sh up postgres >/dev/null && $(STACK_ENV) && node services/user/bench/followers-page.ts

## make bench-tweet: batch get of 20 tweets cold vs cached, and tweet creation rate with the outbox (~1 min)
bench-tweet: setup
	@$(TOOLCHAIN) && scripts/stack.sh up postgres redis >/dev/null && $(STACK_ENV) && node services/tweet/bench/tweets.ts

## make bench-timeline: one tweet to 10,000 and 100,000 followers, sustained fan-out, home reads warm and cold (~1 min)
bench-timeline: setup
	@$(TOOLCHAIN) && scripts/stack.sh up cassandra redis sqs >/dev/null && $(STACK_ENV) && node services/timeline/bench/fanout.ts

## make chaos: fault injection on a private stack and platform (ports 26300 and up, never the shared servers): 50 users
## post 20/s for 160 s with idempotency keys and retries while each component is killed -9 in turn and restarted (11 faults);
## the checker then reports lost, duplicated, missing and drifted (~10 min); figures in chaos/results/. CHAOS_FLAGS passes more (chaos/src/main.ts)
chaos: setup
	@$(TOOLCHAIN) && node chaos/src/main.ts $(CHAOS_FLAGS)

## make bench-gateway-revocation: what the revoked-session check adds to a request's token verification (~10 s)
bench-gateway-revocation: setup
	@$(TOOLCHAIN) && scripts/stack.sh up redis >/dev/null && $(STACK_ENV) && node services/gateway/bench/revocation-check.ts

## make validate-deploy: render the k8s/ overlays and check them (schemas, policy), docker-compose.yml and the Dockerfile; no cluster or Docker needed
validate-deploy: setup deploy-tools
	@$(TOOLCHAIN) && pnpm exec vitest run --project unit test/deploy

setup: system-deps install

deploy-tools:
	@scripts/deploy-tools.sh

trace-backend:
	@scripts/jaeger.sh path >/dev/null

fuzz-tools:
	@scripts/schemathesis.sh >/dev/null

system-deps:
	@scripts/system-deps.sh

install:
	@$(TOOLCHAIN) && pnpm install --frozen-lockfile --reporter=append-only

lint:
	@$(TOOLCHAIN) && pnpm lint

typecheck:
	@$(TOOLCHAIN) && pnpm typecheck

test-unit: setup deploy-tools
	@$(TOOLCHAIN) && pnpm test:unit

test-integration: setup trace-backend fuzz-tools
	@$(TOOLCHAIN) && scripts/stack.sh up && pnpm test:integration

stack: setup
	@$(TOOLCHAIN) && scripts/stack.sh up

status:
	@scripts/stack.sh status
