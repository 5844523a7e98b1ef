#!/usr/bin/env bash
# Builds the second engine's VM image: Debian 13 (trixie) from Debian's packages only — kernel,
# systemd, docker.io 26 with the docker CLI and buildx (so `docker build` is BuildKit, as on Docker
# Desktop) — and caches it under ~/.cache/dockerlab/vm. Prints the image's folder on its last line.
#
#   bash vm/build-image.sh            # build unless a current one is cached
#   bash vm/build-image.sh --force    # build again
#
# The cache key is this script's own checksum: change the recipe and the next run builds anew.
# debootstrap works in a private folder and the result is renamed into place only when complete,
# so an interrupted build never leaves a half-made image behind.
# The whole script is one block, read before it runs: editing the file mid-run cannot change a running build.
{
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/dockerlab/vm"
key=$(cat "$0" "$here/guest-boot.sh" | sha256sum | cut -c1-12)
out="$cache/debian13-$key"
force=0
[ "${1:-}" = "--force" ] && force=1

if [ "$force" = 0 ] && [ -s "$out/disk.img" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ]; then
  echo "vm image: cached" >&2
  echo "$out"
  exit 0
fi

need=()
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
command -v mkfs.ext4 >/dev/null 2>&1 || [ -x /usr/sbin/mkfs.ext4 ] || need+=(e2fsprogs)
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
command -v qemu-img >/dev/null 2>&1 || need+=(qemu-utils)
if [ ${#need[@]} -gt 0 ]; then
  echo "vm image: installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"

# The Debian mirror apt already uses here, found as the lab finds it for its own base image.
project=$(cd "$here/.." && pwd)
[ -f "$project/dist/runtime/base-image.js" ] || (cd "$project" && npm run build >/dev/null)
mirror=$(cd "$project" && node --input-type=module -e "
  const m = await import('./dist/runtime/base-image.js');
  console.log(m.firstDebianMirror(m.readAptSources()) ?? m.FALLBACK_MIRROR);")

mkdir -p "$cache"
work="$cache/.partial-$$"
rm -rf "$work"
mkdir -p "$work"
# debootstrap mounts /proc and /sys in the tree while it works: never follow a mount while cleaning up.
cleanup() {
  grep -o " $work[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
root="$work/rootfs"
started=$SECONDS

# libstdc++6: node (copied in below) needs it. kmod and udev load the 9p and virtio modules.
packages=systemd-sysv,linux-image-amd64,docker.io,docker-cli,docker-buildx,iptables,ca-certificates,iproute2,procps,kmod,udev,openssl,python3,tini,libstdc++6
echo "vm image: debootstrap trixie from $mirror (a few minutes)" >&2
debootstrap --variant=minbase --include="$packages" trixie "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  exit 1
}
echo "vm image: debootstrap done after $((SECONDS - started)) s" >&2

echo "lab-vm" > "$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 lab-vm\n' > "$root/etc/hosts"
printf '/dev/vda / ext4 rw,noatime,errors=remount-ro 0 1\n' > "$root/etc/fstab"
# No network but the guest's own (qemu runs it with restrict=on): nothing waits for one.
ln -sf /dev/null "$root/etc/systemd/system/systemd-networkd-wait-online.service"
# Node, the same binary as this machine's (the guest's glibc is newer, so it runs there).
install -m 0755 "$(readlink -f "$(command -v node)")" "$root/usr/local/bin/node"
# The boot job: mount the shares, run the job the host put there, power off.
install -m 0755 "$here/guest-boot.sh" "$root/usr/local/sbin/lab-guest-boot"
cat > "$root/etc/systemd/system/lab-job.service" <<'UNIT'
[Unit]
Description=dockerlab: the job the host shared in
After=docker.service local-fs.target
Wants=docker.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/lab-guest-boot
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/lab-job.service "$root/etc/systemd/system/multi-user.target.wants/lab-job.service"
# Nobody logs in: no getty on the serial console competing with the job's output.
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*

cp "$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n 1)" "$work/vmlinuz"
cp "$(ls "$root"/boot/initrd.img-* | sort -V | tail -n 1)" "$work/initrd.img"
echo "vm image: $(chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' docker.io docker-buildx linux-image-amd64 systemd | tr '\n' ';')" >&2

# A sparse 40 GB disk (about 1 GB used), made from the tree without mounting anything.
truncate -s 40G "$work/disk.img"
mkfs.ext4 -q -L lab-vm -d "$root" "$work/disk.img"
rm -rf --one-file-system "$root"

rm -rf "$out"
mv "$work" "$out.tmp" && mv "$out.tmp" "$out"
trap - EXIT
# Older images (another recipe) are of no further use.
find "$cache" -maxdepth 1 -name 'debian13-*' ! -name "debian13-$key" -exec rm -rf {} +
echo "vm image: built in $((SECONDS - started)) s" >&2
echo "$out"

exit
}
