#!/usr/bin/env bash
# SBX_DOCKER wrapper for the benchmark: records each docker argv (one line per call), then runs docker.
printf '%s\n' "$*" >> "${SBX_BENCH_LOG:?}"
exec docker "$@"
