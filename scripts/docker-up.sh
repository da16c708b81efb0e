#!/usr/bin/env bash
# Ensure a local Docker engine is running (idempotent).
# - installs Debian's docker.io when dockerd is missing
# - starts dockerd without networking (no bridge / iptables: containers run with --network none)
# - storage driver: overlay2 when it works, otherwise vfs (remembered in /var/lib/fnode-docker-driver)
set -euo pipefail

LOG=/var/log/fnode-dockerd.log
DRIVER_FILE=/var/lib/fnode-docker-driver
WAIT_SECS=${FNODE_DOCKER_WAIT:-60}

log() { echo "[docker-up] $*" >&2; }

if docker info >/dev/null 2>&1; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

if ! command -v dockerd >/dev/null 2>&1 && [ ! -x /usr/sbin/dockerd ]; then
  log "dockerd not found: installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y -q docker.io >/dev/null; then
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q docker.io >/dev/null
  fi
fi
DOCKERD=$(command -v dockerd || echo /usr/sbin/dockerd)

if ! command -v docker >/dev/null 2>&1; then
  echo "[docker-up] ERROR: docker client not found" >&2
  exit 1
fi

# A dockerd may be starting already (e.g. a concurrent run): give it a chance first.
if pgrep -x dockerd >/dev/null 2>&1; then
  log "dockerd process exists, waiting for it"
  for _ in $(seq 1 "$WAIT_SECS"); do
    if docker info >/dev/null 2>&1; then exit 0; fi
    sleep 1
  done
  echo "[docker-up] ERROR: a dockerd process exists but 'docker info' does not answer (see $LOG)" >&2
  exit 1
fi

start_dockerd() { # $1 = storage driver ("" = dockerd default)
  local args=(--bridge=none --iptables=false --ip6tables=false)
  if [ -n "$1" ]; then args+=("--storage-driver=$1"); fi
  log "starting dockerd ${args[*]} (log: $LOG)"
  # setsid: own session, so it outlives the shell / process group that started it.
  # containerd is started by dockerd itself when no system containerd is running.
  $SUDO setsid nohup "$DOCKERD" "${args[@]}" >>"$LOG" 2>&1 </dev/null &
  for _ in $(seq 1 "$WAIT_SECS"); do
    if docker info >/dev/null 2>&1; then return 0; fi
    if ! pgrep -x dockerd >/dev/null 2>&1; then return 1; fi
    sleep 1
  done
  return 1
}

stop_dockerd() {
  local pid
  pid=$(pgrep -x dockerd || true)
  if [ -n "$pid" ]; then
    $SUDO kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      sleep 0.5
    done
  fi
}

# Candidates: an explicit choice, else the one that worked last time, then overlay2, then vfs.
if [ -n "${FNODE_DOCKER_STORAGE_DRIVER:-}" ]; then
  DRIVERS=("$FNODE_DOCKER_STORAGE_DRIVER")
else
  DRIVERS=()
  for d in "$(cat "$DRIVER_FILE" 2>/dev/null || true)" overlay2 vfs; do
    if [ -n "$d" ] && [[ " ${DRIVERS[*]} " != *" $d "* ]]; then DRIVERS+=("$d"); fi
  done
fi

for d in "${DRIVERS[@]}"; do
  if start_dockerd "$d"; then
    # dockerd reports the driver it actually uses; the base image build then runs a container on it.
    if docker info --format '{{.Driver}}' 2>/dev/null | grep -qx "$d"; then
      echo "$d" | $SUDO tee "$DRIVER_FILE" >/dev/null
      log "docker is up (storage driver $d)"
      exit 0
    fi
  fi
  log "dockerd did not come up with storage driver $d; last log lines:"
  tail -n 5 "$LOG" >&2 || true
  stop_dockerd
done

echo "[docker-up] ERROR: could not start dockerd within ${WAIT_SECS}s (see $LOG)" >&2
exit 1
