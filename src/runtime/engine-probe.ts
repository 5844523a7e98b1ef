import { EnvironmentError } from '../errors.js';
import type { DockerClient } from './docker.js';
import { PROBE_IMAGE } from './image-catalog.js';
import { labLabels } from './names.js';

/**
 * The lab's eyes on a remote engine's host: one small container (`lab-probe`, from dockerlab/python)
 * on that host's own network, so 127.0.0.1 inside it is the engine host's loopback, where published
 * ports live. Checks send their requests from there with `docker exec`; nothing is sent to another
 * address. On a local engine none of this runs: the lab asks 127.0.0.1 itself.
 */
export const PROBE_CONTAINER = 'lab-probe';

export async function ensureProbe(docker: DockerClient): Promise<string> {
  const existing = await docker.inspectContainer(PROBE_CONTAINER);
  if (existing?.running) return PROBE_CONTAINER;
  if (existing) await docker.removeContainer(PROBE_CONTAINER);
  if (!(await docker.inspectImage(PROBE_IMAGE))) {
    throw new EnvironmentError(
      `The engine is on another machine, and the lab asks its published ports from there with ${PROBE_IMAGE}, which that engine does not have.`,
      'Build it there with `lab images build --offline` (or `lab images load FILE`), then try again.',
    );
  }
  try {
    await docker.createContainer({
      name: PROBE_CONTAINER,
      image: PROBE_IMAGE,
      labels: labLabels('engine', 'probe'),
      network: 'host',
      entrypoint: ['sleep', 'infinity'],
    });
    await docker.startContainer(PROBE_CONTAINER);
  } catch (error) {
    // Another lab command made it at the same moment: use that one.
    if ((await docker.inspectContainer(PROBE_CONTAINER))?.running) return PROBE_CONTAINER;
    throw error;
  }
  return PROBE_CONTAINER;
}

/** Runs a Python script in the probe with one JSON argument; its stdout is JSON. */
export async function runInProbe<T>(docker: DockerClient, script: string, argument: unknown, timeoutMs: number): Promise<T> {
  const probe = await ensureProbe(docker);
  const { exitCode, stdout, stderr } = await docker.exec(probe, ['python3', '-c', script, JSON.stringify(argument)], timeoutMs);
  if (exitCode !== 0) throw new Error(`the probe on the engine's host failed: ${stderr.trim().split('\n').at(-1) ?? `exit ${exitCode}`}`);
  return JSON.parse(stdout) as T;
}

/** Requests, one after another, as fetch would make them; errors named as Node names them (ECONNREFUSED). */
export const REQUESTS_SCRIPT = `
import errno, json, socket, sys, urllib.error, urllib.request
out = []
for r in json.loads(sys.argv[1]):
    timeout = r.get("timeoutMs", 3000) / 1000
    try:
        request = urllib.request.Request(r["url"], method=r.get("method", "GET"), headers=r.get("headers", {}))
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = b"" if r.get("method") == "HEAD" else answer.read()
            out.append({"status": answer.status, "body": body.decode("utf-8", "replace"), "headers": {k.lower(): v for k, v in answer.getheaders()}})
    except urllib.error.HTTPError as e:
        out.append({"status": e.code, "body": e.read().decode("utf-8", "replace"), "headers": {k.lower(): v for k, v in e.headers.items()}})
    except Exception as e:
        reason = getattr(e, "reason", e)
        if isinstance(reason, (socket.timeout, TimeoutError)):
            out.append({"error": "no answer within %d ms" % r.get("timeoutMs", 3000)})
        elif getattr(reason, "errno", None) in errno.errorcode:
            out.append({"error": errno.errorcode[reason.errno]})
        else:
            out.append({"error": str(reason)})
print(json.dumps(out))
`;

/**
 * Whether each port is free on the engine host's 127.0.0.1: a server could listen there. SO_REUSEADDR
 * as every server (docker-proxy, Node) sets it: connections that just closed (TIME_WAIT, a minute
 * after the lab's own requests) do not make a port taken; a listener does.
 */
export const PORTS_SCRIPT = `
import json, socket, sys
free = {}
for port in json.loads(sys.argv[1]):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        s.listen(1)
        free[str(port)] = True
    except OSError:
        free[str(port)] = False
    finally:
        s.close()
print(json.dumps(free))
`;

/**
 * A bounded, fixed-rate load of GETs (one connection each, at most inFlight at once), stopped when
 * the stop file appears or its bounds are reached; prints what runtime/load.ts reports.
 */
export const LOAD_SCRIPT = `
import errno, json, os, sys, threading, time, urllib.request
a = json.loads(sys.argv[1])
url, rate, max_ms, max_requests, stop_file = a["url"], a["rate"], a["maxMs"], a["maxRequests"], a["stopFile"]
lock = threading.Lock()
slots = threading.Semaphore(a["inFlight"])
state = {"sent": 0, "failed": 0, "errors": []}
threads = []
def one():
    error = None
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            answer.read()
            if answer.status != 200:
                error = "status %d" % answer.status
    except Exception as e:
        reason = getattr(e, "reason", e)
        error = errno.errorcode.get(getattr(reason, "errno", None) or -1) or str(reason)
    finally:
        slots.release()
    if error is not None:
        with lock:
            state["failed"] += 1
            if len(state["errors"]) < 5:
                state["errors"].append(error)
started = time.time()
while not os.path.exists(stop_file):
    elapsed = time.time() - started
    if elapsed * 1000 >= max_ms or state["sent"] >= max_requests:
        break
    due = min(max_requests, int(elapsed * rate))
    while state["sent"] < due and slots.acquire(blocking=False):
        state["sent"] += 1
        t = threading.Thread(target=one)
        t.start()
        threads.append(t)
    time.sleep(0.005)
for t in threads:
    t.join()
print(json.dumps({"sent": state["sent"], "failed": state["failed"], "errors": state["errors"], "durationMs": int((time.time() - started) * 1000)}))
`;
