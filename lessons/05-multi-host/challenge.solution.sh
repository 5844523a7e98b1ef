#!/usr/bin/env bash
# The reference solution of stage 5's challenge, for `lab test` (never shown to the learner): server_4 on
# the web machine, published on its port 8084, and registered with the web machine's Consul agent
# (a service definition with its own health check, as consul/web-host.json has for the other three).
set -euo pipefail
eval "$(lab machine env web)"
docker inspect server_4 >/dev/null 2>&1 || docker run -d --name server_4 --restart unless-stopped -p 8084:8080 -e SERVER_NAME=server_4 simple-registry:5000/simple-server
docker exec -i consul_agent sh -c 'cat > /tmp/server_4.json' <<'JSON'
{
  "service": {
    "id": "server_4",
    "name": "simple-service",
    "port": 8084,
    "check": {
      "id": "server_4-health",
      "name": "GET /health on port 8084",
      "http": "http://localhost:8084/health",
      "method": "GET",
      "interval": "1s",
      "timeout": "1s",
      "deregister_critical_service_after": "1m"
    }
  }
}
JSON
docker exec consul_agent consul services register /tmp/server_4.json
