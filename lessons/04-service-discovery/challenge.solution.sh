#!/usr/bin/env bash
# The reference solution of stage 4's challenge, for `lab test` (never shown to the learner): the
# load balancer registered through the agent beside it, with an HTTP check of HAProxy itself.
set -euo pipefail
docker exec -i simple_haproxy_1_agent sh -c 'cat > /tmp/simple-haproxy.json && consul services register /tmp/simple-haproxy.json' <<'JSON'
{
  "service": {
    "name": "simple-haproxy",
    "port": 80,
    "check": { "http": "http://127.0.0.1:80/health", "interval": "2s", "timeout": "1s" }
  }
}
JSON
# Until its check has run and passes.
for _ in $(seq 60); do
  docker exec simple_haproxy_1_agent consul watch -type=checks -service=simple-haproxy 2>/dev/null | grep -q '"Status": "passing"' && exit 0
  sleep 0.5
done
echo "simple-haproxy's check did not pass within 30 s" >&2
exit 1
