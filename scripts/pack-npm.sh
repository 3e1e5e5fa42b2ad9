#!/usr/bin/env bash
# The npm packages: one @kash-mcp/<platform> per built target, with its binaries, and the
# launcher caisse-enregistreuse-mcp-server, which depends on exactly those (optionally, at
# the same version). Templates in packaging/npm/; the version is the workspace's.
#
#   scripts/pack-npm.sh DIST_DIR... OUT_DIR
#
# Each DIST_DIR is a folder made by scripts/build-static.sh, dist/kash-mcp-<version>-<target>,
# holding kash-stdio and kash-http (.exe on Windows); its target gives the platform package:
#   x86_64-unknown-linux-musl   @kash-mcp/linux-x64     aarch64-unknown-linux-musl  @kash-mcp/linux-arm64
#   x86_64-apple-darwin         @kash-mcp/darwin-x64    aarch64-apple-darwin        @kash-mcp/darwin-arm64
#   x86_64-pc-windows-msvc      @kash-mcp/win32-x64
# The .tgz files land in OUT_DIR, their paths on stdout (platform packages first). Packages
# are filled in a temporary folder; nothing is written under packaging/.
#
#   scripts/pack-npm.sh dist/kash-mcp-0.1.0-x86_64-unknown-linux-musl target/npm
#   npm publish target/npm/kash-mcp-linux-x64-0.1.0.tgz             # platform packages first,
#   npm publish target/npm/caisse-enregistreuse-mcp-server-0.1.0.tgz  # then the launcher
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
die() { echo "pack-npm: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: scripts/pack-npm.sh DIST_DIR... OUT_DIR"
out="${*: -1}"
dists=("${@:1:$#-1}")
version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$root/Cargo.toml")"
[ -n "$version" ] || die "no version in $root/Cargo.toml"
command -v npm >/dev/null || die "npm is missing"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d "${TMPDIR:-/tmp}/pack-npm.XXXXXX")"
trap 'rm -rf "$stage"' EXIT

# npm pack DIR: the tarball's path, from npm's JSON report.
pack() {
  local report
  report="$(cd "$1" && npm pack --json --ignore-scripts --pack-destination "$out")"
  node -p 'require("path").join(process.argv[1], JSON.parse(process.argv[2])[0].filename)' \
    "$out" "$report"
}

# set_fields FILE KEY=JSON...: sets top-level fields of a package.json.
set_fields() {
  node -e '
    const fs = require("fs");
    const [file, ...pairs] = process.argv.slice(1);
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const pair of pairs) {
      const i = pair.indexOf("=");
      pkg[pair.slice(0, i)] = JSON.parse(pair.slice(i + 1));
    }
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  ' "$@"
}

optional="{}"
tarballs=()
for dist in "${dists[@]}"; do
  dist="${dist%/}"
  base="$(basename "$dist")"
  target="${base#kash-mcp-"$version"-}"
  [ "$target" != "$base" ] || die "$dist: not a folder kash-mcp-$version-<target> (old version?)"
  exe=""
  case "$target" in
    x86_64-unknown-linux-musl) os=linux cpu=x64 ;;
    aarch64-unknown-linux-musl) os=linux cpu=arm64 ;;
    x86_64-apple-darwin) os=darwin cpu=x64 ;;
    aarch64-apple-darwin) os=darwin cpu=arm64 ;;
    x86_64-pc-windows-msvc) os=win32 cpu=x64 exe=.exe ;;
    *) die "$dist: no npm platform for the target $target" ;;
  esac
  platform="$os-$cpu"
  name="@kash-mcp/$platform"
  pkg="$stage/$platform"
  [ ! -e "$pkg" ] || die "two folders for $platform"
  mkdir -p "$pkg/bin"
  for bin in kash-stdio kash-http; do
    [ -f "$dist/$bin$exe" ] || die "$dist/$bin$exe is missing"
    install -m 0755 "$dist/$bin$exe" "$pkg/bin/$bin$exe"
  done
  # A binary this machine can run must say the version it is packed under.
  host="$(uname -s)-$(uname -m)"
  if [[ ("$host" == Linux-x86_64 && "$platform" == linux-x64) ||
        ("$host" == Linux-aarch64 && "$platform" == linux-arm64) ]]; then
    for bin in kash-stdio kash-http; do
      said="$("$pkg/bin/$bin" --version)"
      [ "$said" = "$bin $version" ] || die "$dist/$bin says \"$said\", not \"$bin $version\""
    done
  fi
  cp "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$pkg/"
  sed "s/PLATFORM/$platform/g" "$root/packaging/npm/platform/README.md" >"$pkg/README.md"
  sed -e "s/PLATFORM/$platform/g" -e "s/\"OS\"/\"$os\"/" -e "s/\"CPU\"/\"$cpu\"/" \
    "$root/packaging/npm/platform/package.json" >"$pkg/package.json"
  set_fields "$pkg/package.json" "version=\"$version\""
  optional="$(node -p '
    JSON.stringify({ ...JSON.parse(process.argv[1]), [process.argv[2]]: process.argv[3] })
  ' "$optional" "$name" "$version")"
  tarballs+=("$(pack "$pkg")")
done

main="$stage/main"
cp -R "$root/packaging/npm/main" "$main"
cp "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$main/"
set_fields "$main/package.json" "version=\"$version\"" "optionalDependencies=$optional"
tarballs+=("$(pack "$main")")

# npm keeps a file's executable bit; say so if that ever changes.
for tgz in "${tarballs[@]:0:${#tarballs[@]}-1}"; do
  n="$(tar -tvzf "$tgz" | grep -cE '^-rwxr-xr-x .* package/bin/kash-(stdio|http)(\.exe)?$' || true)"
  [ "$n" = 2 ] || die "$tgz: the two binaries are not both there and executable"
done
printf '%s\n' "${tarballs[@]}"
