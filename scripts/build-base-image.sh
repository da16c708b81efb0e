#!/usr/bin/env bash
# Build the local base image fnode/node-base:20 without any registry:
# a root filesystem holding this machine's node binary and the shared libraries it links,
# imported with `docker import`. Skipped when the image already records the same node sha256.
set -euo pipefail

IMAGE=${FNODE_BASE_IMAGE:-fnode/node-base:20}
NODE_BIN=$(readlink -f "${FNODE_NODE_BIN:-$(command -v node)}")
LABEL=fnode.node.sha256
# Bump when the rootfs layout built below changes, to force a rebuild.
LAYOUT_VERSION=1

log() { echo "[base-image] $*" >&2; }

hash=$(sha256sum "$NODE_BIN" | cut -d' ' -f1)
want="$hash-v$LAYOUT_VERSION"
have=$(docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$IMAGE" 2>/dev/null || true)
if [ "$have" = "$want" ] && [ "${FNODE_FORCE_BASE:-}" != 1 ]; then
  log "$IMAGE is up to date (node sha256 ${hash:0:12})"
  exit 0
fi

start=$(date +%s.%N)
log "building $IMAGE from $NODE_BIN ($("$NODE_BIN" --version))"

root=$(mktemp -d /tmp/fnode-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root" # mktemp makes it 0700; it becomes the image's /

mkdir -p "$root"/{usr/bin,usr/local/bin,bin,etc,tmp,function,dev,proc,sys,root,home/fn,var/tmp}
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 700 "$root/root"

# node itself; drop debug info when strip is available (the distro binary carries ~50 MB of it).
cp "$NODE_BIN" "$root/usr/bin/node"
if command -v strip >/dev/null 2>&1; then
  strip --strip-debug "$root/usr/bin/node" 2>/dev/null || cp "$NODE_BIN" "$root/usr/bin/node"
fi
chmod 755 "$root/usr/bin/node"
ln -s ../usr/bin/node "$root/bin/node"
ln -s ../../bin/node "$root/usr/local/bin/node"

# Every shared library node links, at the path the loader looks for it, plus the loader itself.
copy_lib() { # $1 = absolute path as named by ldd
  local src=$1 real
  real=$(readlink -f "$src")
  mkdir -p "$root$(dirname "$src")"
  cp "$real" "$root$src"
}
libs=$(ldd "$NODE_BIN" | awk '/=> \// {print $3} /^\s*\/[^ ]+ \(/ {print $1}' | sort -u)
if [ -z "$libs" ]; then
  echo "[base-image] ERROR: ldd found no libraries for $NODE_BIN" >&2
  exit 1
fi
for lib in $libs; do copy_lib "$lib"; done
# The loader must exist at the interpreter path recorded in the ELF header.
interp=$(readelf -l "$NODE_BIN" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p' || true)
interp=${interp:-/lib64/ld-linux-x86-64.so.2}
[ -e "$root$interp" ] || copy_lib "$interp"

# Users: root and fn (1000:1000).
cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/usr/sbin/nologin
fn:x:1000:1000:fn:/home/fn:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
fn:x:1000:
nogroup:x:65534:
GROUP
chown 1000:1000 "$root/home/fn"
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
# CA certificates (optional: only when the host has them).
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
fi

tar -C "$root" --numeric-owner -cf - . |
  docker import \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change 'WORKDIR /function' \
    --change 'CMD ["node"]' \
    --change "LABEL $LABEL=$want" \
    --change "LABEL fnode.node.version=$("$NODE_BIN" --version)" \
    - "$IMAGE" >/dev/null

out=$(docker run --rm --network none "$IMAGE" node -e 'console.log(1)')
if [ "$out" != 1 ]; then
  echo "[base-image] ERROR: smoke test of $IMAGE failed (got: $out)" >&2
  exit 1
fi
end=$(date +%s.%N)
log "built $IMAGE ($(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')) in $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1fs", b-a}')"
