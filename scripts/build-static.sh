#!/usr/bin/env bash
# Static release binaries of kash-stdio and kash-http, packed with checksums.
#
#   scripts/build-static.sh [TARGET ...]      (default: x86_64-unknown-linux-musl)
#
# For each target: dist/kash-mcp-<version>-<target>/{kash-stdio,kash-http} (Cargo's `dist`
# profile: fat LTO, one codegen unit, stripped; kash-stdio's `dist-stdio` also optimises for
# size), dist/kash-mcp-<version>-<target>.tar.gz, and a line per file in dist/SHA256SUMS.
# The version is the workspace's, from Cargo.
#
# Linux targets link musl statically (no glibc, no OpenSSL: TLS is rustls). What each target
# needs on the building machine:
#   x86_64-unknown-linux-musl   rustup's musl std (added here) and musl-gcc (Debian: musl-tools)
#                               for the C in ring and aws-lc.
#   aarch64-unknown-linux-musl  the same std, plus an aarch64 musl C toolchain (musl.cc's
#                               aarch64-linux-musl-gcc, or `cargo zigbuild` with zig); set
#                               CC_aarch64_unknown_linux_musl and
#                               CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER to it.
#   x86_64-apple-darwin, aarch64-apple-darwin
#                               a Mac with Xcode's command-line tools. Not static: macOS
#                               allows only libSystem, which every Mac has.
#   x86_64-pc-windows-msvc      Windows with Visual Studio's C++ build tools; the script sets
#                               +crt-static so the binary needs no Visual C++ runtime.
set -euo pipefail
cd "$(dirname "$0")/.."

version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
[ -n "$version" ] || { echo "build-static: no version in Cargo.toml" >&2; exit 1; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-unknown-linux-musl)
mkdir -p dist

for target in "${targets[@]}"; do
  if ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
  fi
  exe=""
  case "$target" in
    x86_64-unknown-linux-musl)
      command -v musl-gcc >/dev/null || {
        echo "build-static: musl-gcc is missing (Debian: apt-get install musl-tools)" >&2; exit 1; }
      export CC_x86_64_unknown_linux_musl="${CC_x86_64_unknown_linux_musl:-musl-gcc}"
      # Packed relative relocations (RELR, binutils 2.38+, musl 1.2.4+): the table a
      # static-pie binary applies to itself at start shrinks from ~930 KB to ~12 KB, and
      # with it a session's resident memory (~1 MB), the binary staying position-independent.
      export CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="${CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS:-} -C link-arg=-Wl,-z,pack-relative-relocs" ;;
    *-windows-msvc)
      export RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static"; exe=".exe" ;;
  esac
  echo "== kash-stdio and kash-http $version for $target" >&2
  # kash-stdio in its size-optimised profile, kash-http in the fast one (Cargo.toml says why).
  cargo build --profile dist-stdio --locked --target "$target" -p kash-stdio
  cargo build --profile dist --locked --target "$target" -p kash-http

  name="kash-mcp-$version-$target"
  rm -rf "dist/$name" && mkdir -p "dist/$name"
  cp "target/$target/dist-stdio/kash-stdio$exe" "target/$target/dist/kash-http$exe" "dist/$name/"
  cp LICENSE-MIT LICENSE-APACHE "dist/$name/"
  if [[ "$target" == *-linux-musl && "$(uname -s)" == Linux ]]; then
    # Proof of static linking: no interpreter, no shared library.
    for bin in kash-stdio kash-http; do
      if readelf -l "dist/$name/$bin" | grep -q 'Requesting program interpreter' \
        || readelf -d "dist/$name/$bin" | grep -q '(NEEDED)'; then
        echo "build-static: dist/$name/$bin is not static" >&2; exit 1
      fi
    done
  fi
  # A reproducible archive: sorted names, fixed times and owners.
  tar --sort=name --mtime="@${SOURCE_DATE_EPOCH:-0}" --owner=0 --group=0 --numeric-owner \
    -C dist -czf "dist/$name.tar.gz" "$name"
  (cd dist && sha256sum "$name.tar.gz" "$name"/kash-stdio$exe "$name"/kash-http$exe) \
    >"dist/$name.sha256"
done
cat dist/*.sha256 >dist/SHA256SUMS
ls -l dist/*/kash-* dist/*.tar.gz >&2
