#!/bin/sh
# Runs once at each boot of the lab's VM (lab-job.service): mounts the two folders the host shares
# in — the project, read-only, at /lab, and the run's work folder at /work — runs /work/job.sh with
# its output in /work/job.log and on the console, records its exit code, and powers the VM off.
set -u
mkdir -p /lab /work
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000 project /lab
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 work /work
if [ ! -f /work/job.sh ]; then
  echo "lab-vm: no /work/job.sh shared in; nothing to do" > /dev/console
else
  echo "lab-vm: job starts $(date -u +%H:%M:%S) (booted in $(cut -d' ' -f1 /proc/uptime) s)" > /dev/console
  { sh /work/job.sh; echo $? > /work/exit-code; } 2>&1 | tee /work/job.log > /dev/console
fi
sync
systemctl poweroff --no-block
