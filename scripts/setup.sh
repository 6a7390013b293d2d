#!/usr/bin/env bash
# Prepare this machine (root, Debian) for sbx's tests: a running Docker engine, the host tools that
# storage volumes need, and the offline test image. Safe to run again: it only adds what is missing.
set -euo pipefail

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts dockerd)"

apt_updated=0
install_missing() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

start_docker() {
  if docker_answers; then
    say "docker engine is running ($(docker version --format '{{.Server.Version}}'))"
    return 0
  fi
  command -v dockerd >/dev/null 2>&1 || install_missing docker.io
  # /proc instead of pgrep: procps may be missing on a minimal machine.
  local started=""
  if ! grep -qsx dockerd /proc/[0-9]*/comm; then
    # A machine restored from a snapshot keeps the pid file of a dockerd that no longer runs;
    # dockerd refuses to start over it.
    if [ -f /var/run/docker.pid ] && ! grep -qsx dockerd "/proc/$(cat /var/run/docker.pid)/comm"; then
      say "removing stale /var/run/docker.pid"
      rm -f /var/run/docker.pid
    fi
    say "starting dockerd (log: /var/log/dockerd.log)"
    nohup dockerd >>/var/log/dockerd.log 2>&1 &
    started=$!
  fi
  local deadline=$((SECONDS + ${SBX_DOCKERD_TIMEOUT:-60}))
  until docker_answers; do
    if [ -n "$started" ] && ! kill -0 "$started" 2>/dev/null; then
      tail -n 5 /var/log/dockerd.log >&2
      die "dockerd exited; see /var/log/dockerd.log"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "dockerd did not answer within ${SBX_DOCKERD_TIMEOUT:-60}s; see /var/log/dockerd.log"
    sleep 1
  done
  say "docker engine is running ($(docker version --format '{{.Server.Version}}'))"
}

# docker.io first: a client-only machine gets the engine from it.
command -v docker >/dev/null 2>&1 || install_missing docker.io
start_docker
# nftables and dnsmasq-base: network policies (egress: true and allow-lists), enforced in each sandbox's netns.
# docker-registry and apache2-utils (htpasswd): the local registries of the image tests; tmux: the live progress check.
install_missing busybox-static s3fs fuse3 mount util-linux iproute2 ca-certificates nftables dnsmasq-base docker-registry apache2-utils tmux
for tool in busybox s3fs fusermount3 mount umount ip flock nsenter nft dnsmasq docker-registry htpasswd tmux; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is still missing after installing packages"
done
say "host tools present: busybox s3fs fusermount3 mount ip flock nsenter nft dnsmasq docker-registry htpasswd tmux"

"$(dirname "$0")/build-test-image.sh"
"$(dirname "$0")/start-test-registries.sh"
say "done"
