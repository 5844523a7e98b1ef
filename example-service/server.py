"""simple-server: the toy web service the lab scales.

Every answer names the container that served it (page text and the X-Served-By header), so you
can watch a load balancer spread requests over server_1, server_2, ...  Python standard library only.
"""
import html
import json
import os
import random
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8080"))
# The service's version, baked into the image at build time (--build-arg VERSION=2): /health and the
# pages say it, so a rolling update can be watched one answer at a time.
VERSION = os.environ.get("SERVER_VERSION", "1")
# Docker's embedded DNS server: present on user-defined networks, where it knows container names.
DOCKER_DNS = "127.0.0.11"
RETRY_SECONDS = 2.0


# --- Who am I? ---------------------------------------------------------------------------------

def nameserver():
    try:
        with open("/etc/resolv.conf") as conf:
            for line in conf:
                parts = line.split()
                if len(parts) >= 2 and parts[0] == "nameserver":
                    return parts[1]
    except OSError:
        pass
    return None


def read_dns_name(packet, offset):
    """A DNS name at offset (following compression pointers); returns (name, offset after it)."""
    labels, end = [], None
    while True:
        length = packet[offset]
        if length & 0xC0 == 0xC0:  # pointer to a name earlier in the packet
            if end is None:
                end = offset + 2
            offset = struct.unpack("!H", packet[offset:offset + 2])[0] & 0x3FFF
            continue
        if length == 0:
            return ".".join(labels), (end if end is not None else offset + 1)
        labels.append(packet[offset + 1:offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length


def reverse_lookup(ip, server, timeout=0.5):
    """Asks the DNS server directly for the PTR record of ip.

    socket.gethostbyaddr() would read /etc/hosts first, where Docker lists the container ID as
    hostname; only the embedded DNS server knows the name given with `docker run --name`.
    """
    query_id = random.randrange(1 << 16)
    qname = b"".join(bytes([len(p)]) + p.encode() for p in reversed(ip.split("."))) + b"\x07in-addr\x04arpa\x00"
    query = struct.pack("!HHHHHH", query_id, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!HH", 12, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(query, (server, 53))
        packet = sock.recv(4096)
    answer_id, flags, _, answers = struct.unpack("!HHHH", packet[:8])
    if answer_id != query_id or flags & 0x000F or answers == 0:
        return None
    offset = 12 + len(qname) + 4  # past the header and our question
    for _ in range(answers):
        _, offset = read_dns_name(packet, offset)
        rtype, _, _, length = struct.unpack("!HHIH", packet[offset:offset + 10])
        offset += 10
        if rtype == 12:
            return read_dns_name(packet, offset)[0]
        offset += length
    return None


def container_name():
    """`server_1` from `server_1.simple-network`, or None when not on a user-defined network."""
    if nameserver() != DOCKER_DNS:
        return None
    try:
        addresses = socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        return None
    for ip in addresses:
        try:
            name = reverse_lookup(ip, DOCKER_DNS)
        except (OSError, ValueError, IndexError, struct.error):
            continue
        if name:
            return name.split(".")[0]
    return None


class Identity:
    """SERVER_NAME, else the container's name, else the hostname (retried: networks get connected later)."""

    def __init__(self):
        self.fixed = os.environ.get("SERVER_NAME")
        self.found = None
        self.tried_at = 0.0
        self.lock = threading.Lock()

    def name(self):
        if self.fixed:
            return self.fixed
        with self.lock:
            if self.found is None and time.monotonic() - self.tried_at >= RETRY_SECONDS:
                self.tried_at = time.monotonic()
                self.found = container_name()
        return self.found or socket.gethostname()


IDENTITY = Identity()


class Health:
    """Whether /health says ok. GET /fail flips it: the process keeps running and serving pages, but
    fails its health check, as a server with a full disk or a lost database would."""

    def __init__(self):
        self.failing = False
        self.lock = threading.Lock()

    def toggle(self):
        with self.lock:
            self.failing = not self.failing
            return self.failing


HEALTH = Health()


# --- Pages -------------------------------------------------------------------------------------

def page(title, body):
    return f"<!DOCTYPE html>\n<html><head><title>{title}</title></head><body>\n{body}\n</body></html>\n"


def route(path, name):
    """(status, content type, body) for a path."""
    served_by = f"<p>Served by {html.escape(name)} (version {html.escape(VERSION)})</p>"
    if path == "/example1.html":
        return 200, "text/html", page("Example 1", f"<h1>It's working!</h1>\n{served_by}")
    if path == "/example2.html":
        return 200, "text/html", page("Example 2", f"<h1>Example 2</h1>\n{served_by}")
    if path == "/health":
        if HEALTH.failing:
            return 503, "application/json", json.dumps({"status": "failing", "server": name, "version": VERSION}) + "\n"
        return 200, "application/json", json.dumps({"status": "ok", "server": name, "version": VERSION}) + "\n"
    if path == "/fail":
        failing = HEALTH.toggle()
        state = "now fails /health (GET /fail again to heal it)" if failing else "passes /health again"
        return 200, "text/plain", f"{name} {state}\n"
    if path == "/":
        links = '<ul><li><a href="/example1.html">Example 1</a></li><li><a href="/example2.html">Example 2</a></li></ul>'
        return 200, "text/html", page("simple-server", f"<h1>simple-server</h1>\n{links}\n{served_by}")
    return 404, "text/plain", f"Not found: {path}\n"


class Handler(BaseHTTPRequestHandler):
    server_version = "simple-server"

    def answer(self, with_body):
        name = IDENTITY.name()
        status, content_type, body = route(self.path.split("?", 1)[0], name)
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Served-By", name)
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def do_GET(self):
        self.answer(with_body=True)

    def do_HEAD(self):
        self.answer(with_body=False)

    def log_request(self, code="-", size="-"):
        # One line per request on stdout (not stderr), flushed, so `docker logs` shows it at once.
        request = f"{self.command} {self.path}" if self.command else self.requestline
        print(f'{IDENTITY.name()} "{request}" {code}', flush=True)


# --- Main --------------------------------------------------------------------------------------

def stop(signum, frame):
    # As PID 1 a process gets no default signal handling: without this, SIGTERM is ignored and
    # `docker stop` waits 10 s before killing the container.
    raise SystemExit(0)


def ask_self(path):
    """`python3 simple-server.pyz health|fail`, run inside the container (`docker exec`): asks the
    server on this container's own port, prints its answer, and exits 0 only on a 200."""
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=3) as answer:
            print(answer.read().decode("utf-8", "replace"), end="")
            return 0
    except urllib.error.HTTPError as error:
        print(error.read().decode("utf-8", "replace"), end="")
        return 1
    except OSError as error:
        print(f"simple-server does not answer on port {PORT}: {error}", file=sys.stderr)
        return 1


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    # Docker's HEALTHCHECK runs `python3 simple-server.pyz health`; a learner breaks one on purpose
    # with `docker exec server_2 python3 simple-server.pyz fail` (and heals it the same way).
    if argv[:1] in (["health"], ["fail"]):
        return ask_self(f"/{argv[0]}")
    if argv:
        print("usage: simple-server.pyz [health|fail]", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    print(f"simple-server {IDENTITY.name()} serving on {PORT}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()  # request threads are daemons: nothing to wait for


if __name__ == "__main__":
    sys.exit(main())
