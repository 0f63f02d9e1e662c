# syntax=docker/dockerfile:1.7
# One image per service, from one file:
#   docker build --build-arg SERVICE=user -t chirp/user:dev .
# SERVICE is user, tweet, timeline, notification or gateway. The timeline image runs as API or as
# consumer by TIMELINE_ROLE (api | consumer | all); every image runs its migrations with
# `node src/migrate.ts` and the messaging provisioner with `node /app/scripts/provision-messaging.ts`.

ARG NODE_IMAGE=node:24.21.0-slim

FROM ${NODE_IMAGE} AS build
ARG SERVICE
ARG PNPM_VERSION=10.34.8
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN test -n "$SERVICE" || { echo 'build with --build-arg SERVICE=user|tweet|timeline|notification|gateway' >&2; exit 1; } \
 && npm install --global --no-audit --no-fund "pnpm@${PNPM_VERSION}"
WORKDIR /app
# The lockfile alone decides what is downloaded, so this layer is reused until it changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store pnpm fetch --prod
COPY . .
# Production dependencies of this service, @chirp/kernel and @chirp/common only, in the
# workspace layout. Not `pnpm deploy`: it copies the shared packages (TypeScript sources, no
# build) into node_modules, and Node refuses to strip types under node_modules
# (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING). Here they stay symlinks to packages/, as in
# development. Naming them explicitly, rather than `@chirp/$SERVICE...`, keeps the dev-only
# @chirp/testing (and testcontainers) out. The root links let
# scripts/provision-messaging.ts resolve them too.
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --offline --frozen-lockfile --prod \
      --filter "@chirp/${SERVICE}" --filter @chirp/kernel --filter @chirp/common \
 && mkdir -p node_modules/@chirp \
 && ln -sfn ../../packages/kernel node_modules/@chirp/kernel && ln -sfn ../../packages/common node_modules/@chirp/common \
 && mkdir -p /out/services /out/packages \
 && mv node_modules /out/ && mv packages/kernel packages/common /out/packages/ && mv "services/${SERVICE}" /out/services/ \
 && mkdir /out/scripts && mv scripts/provision-messaging.ts /out/scripts/

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="chirp-${SERVICE}"
# Nothing is written at run time, so the root filesystem can be mounted read-only.
COPY --from=build --chown=0:0 /out /app
WORKDIR /app/services/${SERVICE}
# The uid of the image's `node` user, given as a number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
# Liveness only; compose and Kubernetes gate traffic on /readyz themselves.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself: every service drains on it (readiness 503,
# in-flight requests finish, pools close) and spawns no children to reap, so no init is needed.
STOPSIGNAL SIGTERM
CMD ["node", "src/main.ts"]
