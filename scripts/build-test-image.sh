#!/usr/bin/env bash
# Build the offline image the tests run (no registry needed): busybox-static and its applets,
# imported as sbx-test/busybox:1. Skips when the image already exists.
set -euo pipefail

IMAGE="${SBX_TEST_IMAGE:-sbx-test/busybox:1}"
say() { printf 'build-test-image: %s\n' "$*"; }

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE already present"
  exit 0
fi

BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] && "$BUSYBOX" --list >/dev/null 2>&1 || BUSYBOX="$(command -v busybox || true)"
[ -n "$BUSYBOX" ] || { echo "build-test-image: busybox-static is not installed (run scripts/setup.sh)" >&2; exit 1; }
# Only a static binary runs in an otherwise empty root filesystem.
if file_info="$(LC_ALL=C ldd "$BUSYBOX" 2>&1)" && ! grep -q 'not a dynamic executable' <<<"$file_info"; then
  echo "build-test-image: $BUSYBOX is dynamically linked; install busybox-static" >&2
  exit 1
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,root,proc,sys,dev,var/www}
install -m 0755 "$BUSYBOX" "$rootfs/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
install -d -m 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"

say "importing $IMAGE ($("$BUSYBOX" --list | wc -l) applets)"
tar -C "$rootfs" --numeric-owner -c . |
  docker import --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' --change 'CMD ["sh"]' - "$IMAGE" >/dev/null
say "$IMAGE built"
