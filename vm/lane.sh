#!/usr/bin/env bash
# The second engine lane: the whole track on Debian 13 (kernel 6.12, cgroup v2, docker.io 26 with
# BuildKit) in a qemu VM, as a learner in an offline room would run it — `lab images load` of a
# bundle made here, then `lab test`. Fails when any stage fails.
#
#   bash vm/lane.sh [--bundle FILE] [-- lab test arguments, e.g. --to load-balancing]
#
# The project (built: dist/ and node_modules/) is shared in read-only, as one tar file; the bundle, the job and its
# results go through a work folder. The VM has no network but its own (qemu's restrict=on).
# LAB_VM_ACCEL=kvm|tcg chooses; by default KVM is tried where /dev/kvm can be opened and software
# emulation (TCG) is used when KVM is missing or does not boot. LAB_VM_DEADLINE (seconds, default
# 2700) bounds the whole run; LAB_VM_KEEP=1 keeps the run folder. For experiments: LAB_VM_JOB runs
# another job script, LAB_VM_CPU another emulated CPU model (default qemu64: under TCG the plain x86-64 one ran node, Python, sha256 and docker faster than -cpu max did).
# The whole script is one block, read before it runs: editing the file mid-run cannot change a running build.
{
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/.." && pwd)
bundle=""
test_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) bundle=$2; shift 2 ;;
    --) shift; test_args=("$@"); break ;;
    *) echo "usage: bash vm/lane.sh [--bundle FILE] [-- lab test arguments]" >&2; exit 2 ;;
  esac
done
deadline=${LAB_VM_DEADLINE:-2700}
started=$SECONDS
say() { printf 'vm lane: %s (%ss)\n' "$1" "$((SECONDS - started))"; }

[ -f "$project/dist/cli/main.js" ] || { echo "vm lane: build the project first (npm ci && npm run build)" >&2; exit 2; }
image=$(bash "$here/build-image.sh" | tail -n 1)
say "VM image $image"

run=$(mktemp -d "${TMPDIR:-/tmp}/lab-vm-run.XXXXXX")
work="$run/work"
mkdir -p "$work"
qemu_pid=""
finish() {
  [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true
  if [ "${LAB_VM_KEEP:-0}" = 1 ]; then echo "vm lane: kept $run"; else rm -rf "$run"; fi
}
trap finish EXIT

if [ -n "$bundle" ]; then
  ln "$bundle" "$work/bundle.tar" 2>/dev/null || cp "$bundle" "$work/bundle.tar"
else
  say "lab images save (the bundle a classroom would copy in)"
  node "$project/dist/cli/main.js" images save "$work/bundle.tar" | tail -n 3
fi
# The project as it is now, as one tar file the guest unpacks onto its own disk: a rebuild in this
# tree while the VM runs cannot change what it runs, and node reads its modules from the guest's
# disk (through the 9p share, each of their thousands of files costs round trips: \`lab --version\`
# took 17-26 s that way under emulation, against about 1 s for node itself).
mkdir -p "$run/project"
tar -C "$project" --exclude=./.git --exclude=./.bench -cf "$run/project/project.tar" .
cp "${LAB_VM_JOB:-$here/guest-job.sh}" "$work/job.sh"
printf '%s\n' "${test_args[*]:-}" > "$work/test-args"
qemu-img create -q -f qcow2 -b "$image/disk.img" -F raw "$run/disk.qcow2"

# One boot; returns 0 once the job has started in the guest, 1 if it did not within $2 seconds.
boot() {
  local accel=$1 wait_for_job=$2 cpu=${LAB_VM_CPU:-qemu64} option=tcg,thread=multi
  [ "$accel" = kvm ] && cpu=host && option=kvm
  : > "$run/console.log"
  qemu-system-x86_64 -accel "$option" -cpu "$cpu" -smp 2 -m 6G \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 quiet mitigations=off systemd.show_status=0" \
    -drive file="$run/disk.qcow2",format=qcow2,if=virtio,cache=unsafe \
    -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0 \
    -fsdev local,id=project,path="$run/project",security_model=none,readonly=on -device virtio-9p-pci,fsdev=project,mount_tag=project \
    -fsdev local,id=work,path="$work",security_model=none -device virtio-9p-pci,fsdev=work,mount_tag=work \
    -display none -serial file:"$run/console.log" -no-reboot &
  qemu_pid=$!
  local t=0
  until grep -q 'lab-vm: job starts' "$run/console.log" 2>/dev/null; do
    if ! kill -0 "$qemu_pid" 2>/dev/null || [ "$t" -ge "$wait_for_job" ]; then
      kill "$qemu_pid" 2>/dev/null || true
      wait "$qemu_pid" 2>/dev/null || true
      qemu_pid=""
      return 1
    fi
    sleep 1
    t=$((t + 1))
  done
  say "booted with $accel: $(grep -o 'booted in [0-9.]* s' "$run/console.log")"
}

accel=${LAB_VM_ACCEL:-}
if [ -z "$accel" ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
  boot kvm 90 || { say "KVM did not boot the VM here (nested KVM fails on some hosts); using software emulation"; accel=tcg; }
  [ -n "$qemu_pid" ] && accel=kvm
fi
if [ -z "$qemu_pid" ]; then
  accel=${accel:-tcg}
  [ "$accel" = tcg ] && [ ! -e /dev/kvm ] && say "no /dev/kvm here: software emulation (TCG), several times slower than this machine"
  boot "$accel" 300 || { echo "vm lane: the VM did not start its job within 300 s; its console:" >&2; tail -n 40 "$run/console.log" >&2; exit 1; }
fi

# Follow the job's output until the VM powers itself off, or the deadline passes.
tail -n +1 -F "$work/job.log" --pid "$qemu_pid" 2>/dev/null | sed -u 's/^/  vm| /' &
tail_pid=$!
while kill -0 "$qemu_pid" 2>/dev/null; do
  if [ $((SECONDS - started)) -ge "$deadline" ]; then
    echo "vm lane: over the ${deadline} s deadline; stopping the VM" >&2
    kill "$qemu_pid"
    break
  fi
  sleep 2
done
wait "$qemu_pid" 2>/dev/null || true
qemu_pid=""
sleep 1
kill "$tail_pid" 2>/dev/null || true

if [ ! -s "$work/exit-code" ]; then
  echo "vm lane: the job did not finish; the VM console ends with:" >&2
  tail -n 40 "$run/console.log" >&2
  exit 1
fi
code=$(cat "$work/exit-code")
if [ "$code" != 0 ] && [ -s "$work/track.log" ]; then
  echo "vm lane: the track's log ends with:"
  tail -n 60 "$work/track.log" | sed 's/^/  vm| /'
fi
if [ -f "$work/track-junit.xml" ]; then
  echo "vm lane: per-stage times on Debian 13 ($accel):"
  grep -o '<testcase [^>]*' "$work/track-junit.xml" | sed -E 's/.*name="([^"]*)" time="([^"]*)".*/  \1 \2 s/'
fi
say "job exited $code"
exit "$code"

exit
}
