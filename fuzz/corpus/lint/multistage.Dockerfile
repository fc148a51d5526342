# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
ARG BASE=debian:bookworm-slim

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY --link go.mod go.sum ./
RUN --mount=type=cache,target=/root/.cache/go-build \
    go mod download && \
    CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM ${BASE}
ARG BASE
ENV APP_HOME=/app \
    PATH="/app/bin:${PATH}"
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build --chown=10001:10001 /out/app ${APP_HOME}/bin/app
USER 10001
HEALTHCHECK --interval=30s CMD ["/app/bin/app", "health"]
ENTRYPOINT ["/app/bin/app"]
