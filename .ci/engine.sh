#!/usr/bin/env bash
# Installs and starts what the lab's tests need on a fresh Debian machine: a Docker engine, debootstrap,
# and chromium (for the class board's browser test).
# Idempotent: installs only what is missing, starts dockerd only if no engine answers.
set -euo pipefail

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
# The class board's browser test drives Debian's chromium with playwright-core.
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "engine: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if timeout 10 docker info >/dev/null 2>&1; then
  echo "engine: a Docker engine already answers"
  exit 0
fi

echo "engine: starting dockerd"
mkdir -p /var/log
nohup dockerd >/var/log/dockerd-lab.log 2>&1 &
for i in $(seq 1 60); do
  if timeout 5 docker info >/dev/null 2>&1; then
    echo "engine: dockerd answers after ${i}s"
    exit 0
  fi
  sleep 1
done
echo "engine: dockerd did not answer within 60 s; its log ends with:" >&2
tail -n 30 /var/log/dockerd-lab.log >&2 || true
exit 1
