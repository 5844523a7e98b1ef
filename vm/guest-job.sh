#!/bin/sh
# The job the VM runs at boot (vm/guest-boot.sh starts it): the lab as a learner with Debian 13's
# engine has it — an offline room's bundle loaded, then the whole track tested. The project is at
# /lab (read-only), the bundle and the results in /work. Every line goes to the host's console log.
set -eu
export HOME=/root CI=true NO_COLOR=1 LAB_STATE_DIR=/root/.local/state/dockerlab
# The project arrives as /lab/project.tar, unpacked onto this disk (node loads thousands of files).
rm -rf /root/lab && mkdir -p /root/lab && tar -C /root/lab -xf /lab/project.tar
cd /root/lab
lab() { node /root/lab/dist/cli/main.js "$@"; }
stamp() { echo "== $1 ($(cut -d' ' -f1 /proc/uptime) s since boot)"; }

stamp "engine"
i=0
until docker info >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -gt 120 ]; then echo "docker did not answer within 120 s"; journalctl -u docker --no-pager | tail -n 30; exit 3; fi
  sleep 1
done
docker version --format 'docker {{.Server.Version}} (API {{.Server.APIVersion}}), client {{.Client.Version}}'
docker info --format 'cgroup v{{.CgroupVersion}} ({{.CgroupDriver}} driver), {{.Driver}} storage, kernel {{.KernelVersion}}'
docker buildx version 2>/dev/null || echo "no buildx"

if [ -f /work/bundle.tar ]; then
  stamp "lab images load"
  lab images load /work/bundle.tar
fi

# What this engine gives containers, and HAProxy with and without the limit the lab now sets: on
# Docker 23-28 under systemd the second fails to start ("Not enough memory ... fdtab").
stamp "HAProxy and this engine's open-files limit"
haproxy_for() {
  docker run --rm --entrypoint sh localhost:5000/simple-haproxy -c "$1; timeout 5 haproxy -db -f /tmp/h.cfg >/tmp/out 2>&1; echo \"exit \$?: \$(grep -m1 ALERT /tmp/out)\""
}
docker run --rm --entrypoint sh localhost:5000/simple-haproxy -c 'echo "containers get open files: soft $(ulimit -Sn), hard $(ulimit -Hn)"'
echo "without maxconn: $(haproxy_for "sed '/maxconn/d' /usr/local/etc/haproxy/haproxy.cfg > /tmp/h.cfg")"
with=$(haproxy_for "cp /usr/local/etc/haproxy/haproxy.cfg /tmp/h.cfg")
echo "with the lab's maxconn 4096: $with (exit 124: still serving when stopped after 5 s)"
case "$with" in "exit 124"*) ;; *) echo "HAProxy with the lab's configuration did not keep running"; exit 1 ;; esac

stamp "lab doctor"
lab doctor || true

stamp "lab test"
# Every command and its output go to a log on the guest's own disk (each write through the 9p share
# costs the emulated VM a round trip), copied to /work/track.log at the end for the lane to print
# when a stage fails; the console shows the commands as they start, and each stage's verdict.
# shellcheck disable=SC2046 # the host writes plain words, e.g. "--from single-host --to load-balancing"
{ lab test --verbose --junit /work/track-junit.xml $(cat /work/test-args 2>/dev/null); echo $? > /work/lab-test-status; } 2>&1 |
  tee /root/track.log | grep --line-buffered -E '^(\$ |\[[0-9]+/[0-9]+\] |✔ [a-z-]+ ok|✖ [a-z-]+ (FAIL|BROKEN)|Track test)'
status=$(cat /work/lab-test-status 2>/dev/null || echo 1)
cp /root/track.log /work/track.log
stamp "done (lab test exited $status)"
exit "$status"
