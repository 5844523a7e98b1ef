#!/bin/sh
# watch-reload.sh: the template-and-reload way of following Consul's catalog (what consul-template
# does), with a tool this lab has: `consul watch`. It runs in the load balancer's container
# (image simple-haproxy-consul), started by HAProxy's master from the `program consul-watch` section
# of haproxy.cfg, and asks the Consul agent that shares the container's network namespace
# (simple_haproxy_1_agent, on 127.0.0.1:8500).
#
#   watch-reload.sh watch    keeps `consul watch -type=service -service=simple-service -passingonly=true`
#                            running; Consul calls the handler below with the passing instances
#                            at start and after every change of the catalog.
#   watch-reload.sh render   the handler: reads that JSON on stdin, rewrites the server lines of
#                            haproxy.cfg (between the BEGIN and END markers), checks the new file
#                            with `haproxy -W -c`, and reloads HAProxy seamlessly: SIGUSR2 to the
#                            master (PID 1, `haproxy -W`) starts a new worker on the same listening
#                            sockets while the old one finishes the requests it holds.
#
# The lines written are the ones `renderWatchTemplateConfig` (src/runtime/haproxy-consul-config.ts)
# writes for the same instances: one server per passing instance, named after its Consul node,
# sorted by name then number (server_2 before server_10).
set -eu

CONFIG=${HAPROXY_CONFIG:-/usr/local/etc/haproxy/haproxy.cfg}
SERVICE=${CONSUL_SERVICE:-simple-service}
HTTP_ADDR=${CONSUL_HTTP_ADDR:-127.0.0.1:8500}
BEGIN='    # BEGIN servers written by consul watch'
END='    # END servers written by consul watch'
OPTIONS='check inter 500ms fall 1 rise 2'

log() { echo "watch-reload: $*" >&2; }

watch() {
  # HAProxy's master starts this again after every reload (a program section's default,
  # start-on-reload) and sends the old one SIGUSR1; SIGTERM when the container stops. Either way,
  # stop the watch with it, or an orphaned `consul watch` would go on reloading HAProxy.
  stopping=''
  child=''
  trap 'stopping=1; [ -z "$child" ] || kill "$child" 2>/dev/null' USR1 TERM INT
  while [ -z "$stopping" ]; do
    # `consul watch` exits at once when the agent does not answer yet (its sidecar starts just
    # after this container); once running it rides out agent and server failures by itself.
    consul watch -http-addr="$HTTP_ADDR" -type=service -service="$SERVICE" -passingonly=true "$0 render" &
    child=$!
    status=0
    wait "$child" || status=$?
    [ -z "$stopping" ] || break
    log "consul watch exited with status $status (does the agent answer on $HTTP_ADDR?); starting it again in 1 s"
    sleep 1
  done
}

render() {
  if ! grep -qxF "$BEGIN" "$CONFIG" || ! grep -qxF "$END" "$CONFIG"; then
    log "$CONFIG has no BEGIN/END server markers: nothing to rewrite (is it a watch-mode configuration?)"
    return 0
  fi
  tmp=$(mktemp "$CONFIG.XXXXXX")
  trap 'rm -f "$tmp" "$tmp.servers"' EXIT
  jq -r --arg options "$OPTIONS" '
    sort_by(.Node.Node | [sub("_?[0-9]+$"; ""), ((capture("(?<n>[0-9]+)$").n // "0") | tonumber), .])
    | .[]
    | "    server \(.Node.Node) \(if (.Service.Address // "") != "" then .Service.Address else .Node.Address end):\(.Service.Port) \($options)"
  ' > "$tmp.servers"
  [ -s "$tmp.servers" ] || echo "    # (no passing instance of $SERVICE: every request gets a 503)" > "$tmp.servers"
  awk -v begin="$BEGIN" -v end="$END" -v servers="$tmp.servers" '
    $0 == end { skip = 0 }
    !skip { print }
    $0 == begin { while ((getline line < servers) > 0) print line; skip = 1 }
  ' "$CONFIG" > "$tmp"
  names=$(awk '$1 == "server" { printf "%s%s", sep, $2; sep = ", " }' "$tmp.servers")
  if cmp -s "$tmp" "$CONFIG"; then
    log "$SERVICE unchanged (${names:-none}); no reload"
    return 0
  fi
  # -W: a `program` section is only valid in master-worker mode. A failed check (or any other
  # problem here) must not fail the handler: `consul watch` stops when its handler fails.
  if ! problems=$(haproxy -W -c -f "$tmp" 2>&1); then
    log "the new configuration fails haproxy -c; keeping the running one: $problems"
    return 0
  fi
  cat "$tmp" > "$CONFIG"
  kill -USR2 1
  log "$SERVICE now ${names:-none}; HAProxy reloaded"
}

case "${1:-}" in
  watch) watch ;;
  render) render ;;
  *) echo "usage: $0 watch|render" >&2; exit 2 ;;
esac
