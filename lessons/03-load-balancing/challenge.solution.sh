#!/usr/bin/env bash
# The reference solution of stage 3's challenge, for `lab test` (never shown to the learner): the
# eleventh server, added to simple_haproxy_1's configuration inside its container, and HAProxy
# reloaded with SIGUSR2 to its master. Works on a remote engine too (no bind mount needed).
set -euo pipefail
docker inspect server_11 >/dev/null 2>&1 || docker run -d --name server_11 --network simple-network -e SERVER_NAME=server_11 "$DOCKER_REPOSITORY/simple-server"
# The backend is the configuration's last section: a line appended there belongs to it.
docker exec simple_haproxy_1 sh -c 'tail -n 1 /usr/local/etc/haproxy/haproxy.cfg | grep -q "server_11" || echo "    server server_11 server_11:8080 check inter 500ms fall 1 rise 2" >> /usr/local/etc/haproxy/haproxy.cfg'
docker exec simple_haproxy_1 haproxy -c -f /usr/local/etc/haproxy/haproxy.cfg
docker kill -s USR2 simple_haproxy_1
# Until the new worker's health check finds it UP (rise 2: two checks 500 ms apart).
for _ in $(seq 100); do
  docker exec simple_haproxy_1 sh -c 'echo "show servers state webservers" | socat stdio /var/run/haproxy.sock' | grep -Eq '^[0-9]+ webservers [0-9]+ server_11 \S+ 2 ' && exit 0
  sleep 0.2
done
echo "simple_haproxy_1 did not bring server_11 UP within 20 s" >&2
exit 1
