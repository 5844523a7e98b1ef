#!/usr/bin/env bash
# The reference solution of stage 6's challenge, for `lab test` (never shown to the learner): version
# 2 built and pushed, then a start-first rolling update with the health check on, and a start-first
# rollback, while a bounded request loop runs through the Swarm's load balancer (127.0.0.1:8686).
set -euo pipefail
node example-service/build.mjs >/dev/null
docker build -q --build-arg VERSION=2 -t localhost:5000/simple-server:v2 -f dockerfiles/simple-server/Dockerfile example-service >/dev/null
docker push -q localhost:5000/simple-server:v2 >/dev/null

# Requests the whole time, sent from the engine's own host (127.0.0.1:8686 is published there, which is
# not this machine when the engine is remote): a container on its host network, at most 50 a second,
# for at most 5 minutes, removed below.
docker rm -f lab-rollout-load >/dev/null 2>&1 || true
docker run -d --name lab-rollout-load --network host --no-healthcheck --label dev.dockerlab.managed=true \
  localhost:5000/simple-server python3 -c '
import time, urllib.request
end = time.time() + 300
while time.time() < end:
    try:
        urllib.request.urlopen("http://127.0.0.1:8686/health", timeout=5).read()
    except Exception:
        pass
    time.sleep(0.02)
' >/dev/null
trap 'docker rm -f lab-rollout-load >/dev/null 2>&1 || true' EXIT
sleep 2

(
eval "$(lab machine env manager)"
docker service update --quiet --image simple-registry:5000/simple-server:v2 \
  --update-order start-first --rollback-order start-first --update-parallelism 3 --rollback-parallelism 3 \
  --update-monitor 1s --rollback-monitor 1s --health-interval 2s simple-service
docker service rollback --quiet simple-service
)
sleep 2
