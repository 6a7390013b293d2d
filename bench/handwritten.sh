#!/usr/bin/env bash
# What a careful person writes by hand for the same sandbox: sequential docker calls, same objects
# and limits as sbx creates (infra container holding the network namespace, one tmpfs volume,
# containers joined to the infra namespace with memory/cpu/pids limits and a sized /tmp).
#   handwritten.sh up ID CONTAINERS IMAGE PAUSE_IMAGE   |   handwritten.sh down ID CONTAINERS
# `up-parallel` is the same with every independent call at once (volume beside infra, then all
# containers): the floor for any tool that drives the docker CLI, sbx included.
# `listings ID N IMAGE PAUSE_IMAGE` asks what a tool that reconciles (rather than assumes nothing exists)
# must ask before its two commands: the round before an apply (containers, networks, volumes, engine facts,
# images, at once), then the `docker ps` before a delete. It changes nothing.
set -euo pipefail
cmd=$1 id=$2 n=$3
container() {
  docker run -d --name "hw-$id-c$1" --network "container:hw-$id-infra" --label bench=hw \
    --memory 128m --memory-swap 128m --cpus 0.1 --pids-limit 512 --init \
    --security-opt no-new-privileges --tmpfs /tmp:size=20132660 \
    --mount "type=volume,source=hw-$id-shared,target=/shared" \
    --entrypoint sh "$image" -c 'sleep 3600' >/dev/null
}
if [[ $cmd == up ]]; then
  image=$4 pause=$5
  docker volume create --driver local --opt type=tmpfs --opt device=tmpfs --opt o=size=128m "hw-$id-shared" >/dev/null
  docker run -d --name "hw-$id-infra" --network none --label bench=hw "$pause" >/dev/null
  for i in $(seq 1 "$n"); do container "$i"; done
elif [[ $cmd == up-parallel ]]; then
  image=$4 pause=$5
  docker volume create --driver local --opt type=tmpfs --opt device=tmpfs --opt o=size=128m "hw-$id-shared" >/dev/null &
  docker run -d --name "hw-$id-infra" --network none --label bench=hw "$pause" >/dev/null
  wait
  pids=()
  for i in $(seq 1 "$n"); do container "$i" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
elif [[ $cmd == listings ]]; then
  image=$4 pause=$5
  pids=()
  docker ps -a --no-trunc --filter "label=bench=hw-$id" --format '{{.ID}} {{.Names}} {{.State}} {{.Labels}}' >/dev/null & pids+=($!)
  docker network ls --filter "label=bench=hw-$id" --format '{{.Name}} {{.Labels}}' >/dev/null & pids+=($!)
  docker volume ls --filter "label=bench=hw-$id" --format '{{.Name}} {{.Labels}}' >/dev/null & pids+=($!)
  docker info --format '{{.Driver}} {{json .DriverStatus}} {{.NCPU}} {{.MemTotal}}' >/dev/null & pids+=($!)
  docker image inspect --format '{{.Id}}' "$image" "$pause" >/dev/null & pids+=($!)
  for p in "${pids[@]}"; do wait "$p"; done
  docker ps -a --no-trunc --filter "label=bench=hw-$id" --format '{{.ID}} {{.Names}} {{.Labels}}' >/dev/null
else
  names=("hw-$id-infra")
  for i in $(seq 1 "$n"); do names+=("hw-$id-c$i"); done
  docker rm -f "${names[@]}" >/dev/null
  docker volume rm "hw-$id-shared" >/dev/null
fi
