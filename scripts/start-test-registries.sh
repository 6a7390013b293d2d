#!/usr/bin/env bash
# Start two local registries for the image tests (Debian's docker-registry, the CNCF distribution
# registry), each with the test image pushed to it:
#   127.0.0.1:5000  open
#   127.0.0.1:5001  htpasswd auth (user sbx-test); sbx without `docker login` is denied
# dockerd treats 127.0.0.0/8 registries as insecure-allowed, so plain HTTP works without daemon config.
# Safe to run again: a registry that answers is left alone.
set -euo pipefail

IMAGE="${SBX_TEST_IMAGE:-sbx-test/busybox:1}"
ROOT=/var/lib/sbx-test-registry
say() { printf 'test-registries: %s\n' "$*"; }
die() { printf 'test-registries: error: %s\n' "$*" >&2; exit 1; }

command -v docker-registry >/dev/null 2>&1 || die "docker-registry is not installed (run scripts/setup.sh)"
command -v htpasswd >/dev/null 2>&1 || die "htpasswd is not installed (apache2-utils; run scripts/setup.sh)"

answers() { timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
# The HTTP status of GET /v2/ (200 open, 401 auth).
v2_status() {
  timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$1"'; printf "GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3; head -n1 <&3' 2>/dev/null | awk '{print $2}'
}

# $1 name, $2 port, $3 the status /v2/ must answer, $4 extra YAML (auth section)
start_registry() {
  local name=$1 port=$2 want=$3 auth=$4 dir="$ROOT/$1"
  if answers "$port"; then
    [ "$(v2_status "$port")" = "$want" ] || die "127.0.0.1:$port is taken by something that is not the $name test registry (GET /v2/ should answer $want)"
    say "$name registry answers on 127.0.0.1:$port"
    return 0
  fi
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$auth
YAML
  say "starting $name registry on 127.0.0.1:$port (log: $dir/registry.log)"
  nohup docker-registry serve "$dir/config.yml" >>"$dir/registry.log" 2>&1 </dev/null &
  local deadline=$((SECONDS + 20))
  until answers "$port"; do
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 5 "$dir/registry.log" >&2; die "$name registry did not start"; }
    sleep 0.2
  done
}

mkdir -p "$ROOT/auth"
[ -s "$ROOT/auth/htpasswd" ] || htpasswd -Bbc "$ROOT/auth/htpasswd" sbx-test sbx-test-password >/dev/null 2>&1
start_registry open 5000 200 ""
start_registry auth 5001 401 "auth:
  htpasswd:
    realm: sbx-test
    path: $ROOT/auth/htpasswd"

# The test image in both (the auth one through a throw-away client config, so ~/.docker is untouched).
ref="127.0.0.1:5000/$IMAGE"
docker tag "$IMAGE" "$ref"
docker push "$ref" >/dev/null
docker rmi "$ref" >/dev/null
cfg="$(mktemp -d)"
trap 'rm -rf "$cfg"' EXIT
ref="127.0.0.1:5001/$IMAGE"
docker --config "$cfg" login -u sbx-test --password-stdin 127.0.0.1:5001 <<<"sbx-test-password" >/dev/null 2>&1
docker tag "$IMAGE" "$ref"
docker --config "$cfg" push "$ref" >/dev/null
docker rmi "$ref" >/dev/null
say "$IMAGE pushed to 127.0.0.1:5000 and 127.0.0.1:5001"
