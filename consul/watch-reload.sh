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
# A reload is only done when HAProxy runs the servers it was given, as its runtime API lists them.
# The file is not proof: a SIGUSR2 that reaches the master while it re-executes itself for the
# previous one is lost (the signal has no handler then, and PID 1 ignores such signals). Measured:
# two reloads 10 ms apart left HAProxy on the first file for good, and every later report found
# the file already right. So each render holds a lock, and after SIGUSR2 waits until the live
# servers are the ones written, signalling again if they are not. A report from a former watch
# (HAProxy restarts the watch on each reload) is skipped: the current watch reports the catalog.
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
SOCKET=${HAPROXY_SOCKET:-/var/run/haproxy.sock}
LOCK=/var/run/watch-reload.lock
# The process id of the watch HAProxy started last; its reports are the ones to apply.
CURRENT=/var/run/watch-reload.watch

log() { echo "watch-reload: $*" >&2; }

watch() {
  # HAProxy's master starts this again after every reload (a program section's default,
  # start-on-reload) and sends the old one SIGUSR1; SIGTERM when the container stops. Either way,
  # stop the watch with it, or an orphaned `consul watch` would go on reloading HAProxy.
  stopping=''
  child=''
  trap 'stopping=1; [ -z "$child" ] || kill "$child" 2>/dev/null' USR1 TERM INT
  echo $$ > "$CURRENT"
  while [ -z "$stopping" ]; do
    # `consul watch` exits at once when the agent does not answer yet (its sidecar starts just
    # after this container); once running it rides out agent and server failures by itself.
    WATCH_RELOAD_WATCH=$$ consul watch -http-addr="$HTTP_ADDR" -type=service -service="$SERVICE" -passingonly=true "$0 render" &
    child=$!
    status=0
    wait "$child" || status=$?
    [ -z "$stopping" ] || break
    log "consul watch exited with status $status (does the agent answer on $HTTP_ADDR?); starting it again in 1 s"
    sleep 1
  done
}

# The servers of the backend as the running worker has them, in order, separated by spaces; fails
# while no worker answers on the runtime API (during a reload).
live_servers() {
  state=$(echo "show servers state webservers" | socat -t 2 stdio "unix-connect:$SOCKET" 2>/dev/null) || return 1
  printf '%s\n' "$state" | grep -q '^# be_id' || return 1
  printf '%s\n' "$state" | awk '$2 == "webservers" { printf "%s%s", sep, $4; sep = " " }'
}

# Waits up to $2 tenths of a second for the running worker to have exactly the servers $1.
live_is() {
  tenths=0
  while [ "$tenths" -lt "$2" ]; do
    [ "$(live_servers)" != "$1" ] || return 0
    sleep 0.1
    tenths=$((tenths + 1))
  done
  return 1
}

# SIGUSR2 to the master, again every 10 s until the new worker runs the servers $1 (60 s at most).
reload_to() {
  for attempt in 1 2 3 4 5 6; do
    kill -USR2 1
    if live_is "$1" 100; then
      [ "$attempt" = 1 ] || log "HAProxy took the reload at signal $attempt"
      return 0
    fi
    log "HAProxy does not run the new servers 10 s after a reload (now: $(live_servers || echo 'no answer')); signalling it again"
  done
  log "HAProxy still does not run the new servers after 60 s; leaving it to the next change"
}

render() {
  if ! grep -qxF "$BEGIN" "$CONFIG" || ! grep -qxF "$END" "$CONFIG"; then
    log "$CONFIG has no BEGIN/END server markers: nothing to rewrite (is it a watch-mode configuration?)"
    return 0
  fi
  tmp=$(mktemp "$CONFIG.XXXXXX")
  trap 'rm -f "$tmp" "$tmp.json" "$tmp.servers"' EXIT
  cat > "$tmp.json"
  # One render at a time: the lock is released when this process exits.
  exec 9> "$LOCK"
  flock 9
  if [ -n "${WATCH_RELOAD_WATCH:-}" ] && [ "$(cat "$CURRENT" 2>/dev/null)" != "$WATCH_RELOAD_WATCH" ]; then
    log "skipping a report of a former watch; the current one reports the catalog itself"
    return 0
  fi
  jq -r --arg options "$OPTIONS" '
    sort_by(.Node.Node | [sub("_?[0-9]+$"; ""), ((capture("(?<n>[0-9]+)$").n // "0") | tonumber), .])
    | .[]
    | "    server \(.Node.Node) \(if (.Service.Address // "") != "" then .Service.Address else .Node.Address end):\(.Service.Port) \($options)"
  ' "$tmp.json" > "$tmp.servers"
  [ -s "$tmp.servers" ] || echo "    # (no passing instance of $SERVICE: every request gets a 503)" > "$tmp.servers"
  awk -v begin="$BEGIN" -v end="$END" -v servers="$tmp.servers" '
    $0 == end { skip = 0 }
    !skip { print }
    $0 == begin { while ((getline line < servers) > 0) print line; skip = 1 }
  ' "$CONFIG" > "$tmp"
  names=$(awk '$1 == "server" { printf "%s%s", sep, $2; sep = " " }' "$tmp.servers")
  shown=$(echo "${names:-none}" | sed 's/ /, /g')
  if cmp -s "$tmp" "$CONFIG"; then
    if live_is "$names" 10; then
      log "$SERVICE unchanged ($shown); no reload"
    else
      log "HAProxy runs other servers than its configuration lists ($(live_servers || echo 'no answer')): a reload was lost; reloading"
      reload_to "$names"
    fi
    return 0
  fi
  # -W: a `program` section is only valid in master-worker mode. A failed check (or any other
  # problem here) must not fail the handler: `consul watch` stops when its handler fails.
  if ! problems=$(haproxy -W -c -f "$tmp" 2>&1); then
    log "the new configuration fails haproxy -c; keeping the running one: $problems"
    return 0
  fi
  cat "$tmp" > "$CONFIG"
  reload_to "$names"
  log "$SERVICE now $shown; HAProxy reloaded"
}

case "${1:-}" in
  watch) watch ;;
  render) render ;;
  *) echo "usage: $0 watch|render" >&2; exit 2 ;;
esac
