#!/usr/bin/env bash
# Everything a release publishes, in dist/: the static binaries (build-static.sh), the npm
# launcher and its platform package (pack-npm.sh), the Claude Desktop bundle (pack-mcpb.sh),
# and the registry entry dist/server.json: server.json plus the bundle with its checksum.
#
#   scripts/pack-release.sh          (Linux x86-64; see build-static.sh for other targets)
set -euo pipefail
cd "$(dirname "$0")/.."

version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
target=x86_64-unknown-linux-musl
bins="dist/kash-mcp-$version-$target"

scripts/build-static.sh "$target"
scripts/pack-npm.sh "$bins" dist/npm
scripts/pack-mcpb.sh "$bins" dist

bundle="$(cd dist && ls kash-mcp-"$version"-linux-x64.mcpb)"
python3 - "$version" "$bundle" <<'PY' >dist/server.json
import hashlib, json, sys
version, bundle = sys.argv[1], sys.argv[2]
doc = json.load(open("server.json"))
sha = hashlib.sha256(open(f"dist/{bundle}", "rb").read()).hexdigest()
doc["packages"].append({
    "registryType": "mcpb",
    "identifier": f"https://github.com/kash-click/kash-mcp/releases/download/v{version}/{bundle}",
    "version": version,
    "fileSha256": sha,
    "transport": {"type": "stdio"},
})
json.dump(doc, sys.stdout, indent=2)
print()
PY
# One checksum file for everything a release carries.
(cd dist && sha256sum "kash-mcp-$version-$target.tar.gz" "kash-mcp-$version-$target"/kash-* \
  "$bundle" npm/*.tgz server.json) >dist/SHA256SUMS
cat dist/SHA256SUMS >&2
