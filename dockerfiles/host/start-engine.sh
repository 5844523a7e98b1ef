#!/bin/sh
# The lab machine's engine, with TLS as docker-machine's engines have it: a CA of the machine's own,
# a server certificate for dockerd, and a client certificate that `lab machine env` hands to the
# docker CLI (DOCKER_TLS_VERIFY=1, DOCKER_CERT_PATH). Without the client certificate nobody reaches
# this engine, not even another user of this computer on 127.0.0.1.
#
# The CA and the client certificate are made once and kept on the machine's volume; the server
# certificate is made at every start, because the machine's address on the lab network can change.
# Keys are EC P-256: made in milliseconds, accepted by dockerd and by the docker CLI.
set -eu
TLS=/var/lib/docker/lab-tls
NAME=$(hostname)
IP=$(ip -4 -o addr show eth0 2>/dev/null | awk '{print $4}' | cut -d/ -f1 || true)
mkdir -p "$TLS"
chmod 700 "$TLS"
cd "$TLS"

key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null && chmod 600 "$1"; }

if [ ! -s ca.pem ] || [ ! -s cert.pem ]; then
  key ca-key.pem
  openssl req -x509 -new -key ca-key.pem -sha256 -days 3650 -subj "/CN=lab machine $NAME CA" -out ca.pem
  key key.pem
  openssl req -new -key key.pem -subj "/CN=lab" -out client.csr
  printf 'extendedKeyUsage = clientAuth\n' > client.ext
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -sha256 -days 3650 -extfile client.ext -out cert.pem 2>/dev/null
  rm -f client.csr client.ext
fi

key server-key.pem
openssl req -new -key server-key.pem -subj "/CN=$NAME" -out server.csr
# LAB_MACHINE_ADDRESS: on a remote engine, the engine host's address, where the lab reaches this
# machine's engine port (a name or an IP address).
case "${LAB_MACHINE_ADDRESS:-}" in
  "") EXTRA="" ;;
  *[!0-9.]*) EXTRA=",DNS:$LAB_MACHINE_ADDRESS" ;;
  *) EXTRA=",IP:$LAB_MACHINE_ADDRESS" ;;
esac
printf 'subjectAltName = DNS:%s,DNS:lab-machine-%s,DNS:localhost,IP:127.0.0.1%s%s\nextendedKeyUsage = serverAuth\n' "$NAME" "$NAME" "${IP:+,IP:$IP}" "$EXTRA" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -sha256 -days 3650 -extfile server.ext -out server-cert.pem 2>/dev/null
rm -f server.csr server.ext

# cgroup v2 (the machine runs with a cgroup namespace of its own): the inner engine may only make
# cgroups below a root that holds no process, with every controller delegated to its children. Move
# this machine's own processes into /init and enable the controllers for the subtree, as the
# docker:dind entrypoint does. (On cgroup v1 the host's tree is mounted here and nothing is needed.)
#
# The move races with processes that enter the root meanwhile: `docker exec` puts its process there,
# and the lab execs into a starting machine to read its client certificate. The kernel then refuses
# the delegation with EBUSY ("sed: couldn't flush stdout: Device or resource busy", one machine in
# three on an emulated Debian 13 VM). So: move (with the shell's own builtins, which start no process
# in the root), delegate, and try again while the root still holds one, for up to 10 s; then say
# plainly what is left there.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mount -o remount,rw /sys/fs/cgroup 2>/dev/null || true
  mkdir -p /sys/fs/cgroup/init
  controllers=$(sed -e 's/ / +/g' -e 's/^/+/' < /sys/fs/cgroup/cgroup.controllers)
  tries=0
  until {
    while read -r pid; do echo "$pid" > /sys/fs/cgroup/init/cgroup.procs 2>/dev/null || true; done < /sys/fs/cgroup/cgroup.procs
    [ -z "$controllers" ] || echo "$controllers" > /sys/fs/cgroup/cgroup.subtree_control
  } 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -ge 50 ]; then
      echo "cgroup v2: could not delegate the controllers ($controllers) to the inner engine; processes still in the machine's root cgroup: $(tr '\n' ' ' < /sys/fs/cgroup/cgroup.procs)" >&2
      exit 1
    fi
    sleep 0.2
  done
fi

# containerd first, waited for as long as it takes: dockerd starts its own otherwise, and gives up
# when that one has not answered within 15 s ("timeout waiting for containerd to start"), which a
# slow machine (an emulated VM) exceeds. Its files are where dockerd's own would be.
CONTAINERD_SOCKET=/run/docker/containerd/containerd.sock
mkdir -p /run/docker/containerd
containerd --address "$CONTAINERD_SOCKET" --root /var/lib/docker/containerd/daemon --state /run/docker/containerd/daemon --log-level warn &
i=0
until [ -S "$CONTAINERD_SOCKET" ]; do
  i=$((i + 1))
  [ "$i" -le 600 ] || { echo "containerd did not open $CONTAINERD_SOCKET within 120 s" >&2; exit 1; }
  sleep 0.2
done

# The machine's own networks (docker0, Swarm's docker_gwbridge, its user-defined networks) come
# from 10.213.0.0/16, not Docker's 172.17-31 ranges: a client reaching this engine from one of those
# (the lab's computer on a remote engine's bridge, say) would otherwise find its replies routed into
# a local bridge of the machine that happens to use the same range, and time out.
exec dockerd \
  --containerd "$CONTAINERD_SOCKET" \
  --bip 10.213.255.1/24 --default-address-pool base=10.213.0.0/17,size=24 \
  -H unix:///var/run/docker.sock \
  -H tcp://0.0.0.0:2376 --tlsverify \
  --tlscacert "$TLS/ca.pem" --tlscert "$TLS/server-cert.pem" --tlskey "$TLS/server-key.pem" \
  "$@"
