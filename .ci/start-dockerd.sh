#!/usr/bin/env bash
# Starts a Docker engine for the test suite when none answers, with gVisor's runsc
# registered as the "runsc" runtime (no network inside the sandbox: jobs run with
# NetworkMode none anyway, and runsc's own netstack is not needed for tests).
set -euo pipefail
if docker info >/dev/null 2>&1; then echo "docker: engine already running"; exit 0; fi
mkdir -p /etc/docker
if [ ! -f /etc/docker/daemon.json ] && command -v runsc >/dev/null; then
  cat > /etc/docker/daemon.json <<JSON
{ "runtimes": { "runsc": { "path": "$(command -v runsc)", "runtimeArgs": ["--network=none"] } } }
JSON
fi
log=${DOCKERD_LOG:-/tmp/dockerd.log}
(setsid dockerd >"$log" 2>&1 &)
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then echo "docker: engine started (log: $log)"; exit 0; fi
  sleep 1
done
echo "docker: engine did not start within 60 s; last lines of $log:" >&2
tail -20 "$log" >&2
exit 1
