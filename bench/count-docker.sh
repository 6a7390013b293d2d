#!/usr/bin/env bash
# The benchmark's recording docker, found on PATH as `docker`: records each docker argv (one line per
# call), then runs the real docker (SBX_BENCH_REAL_DOCKER).
printf '%s\n' "$*" >> "${SBX_BENCH_LOG:?}"
exec "${SBX_BENCH_REAL_DOCKER:?}" "$@"
