#!/usr/bin/env bash
# The kash-http container image from a static build (scripts/build-static.sh).
#
#   scripts/build-container.sh DIST_DIR [TAG]    (default tag: kash-http:<version>)
#
# Stages the build context in a temporary folder (the static kash-http, this machine's CA
# bundle, an empty /data) and builds packaging/container/Containerfile with podman, or buildah
# when podman is missing, in the Docker format (the OCI format has no HEALTHCHECK).
set -euo pipefail
cd "$(dirname "$0")/.."

dist="${1:?usage: scripts/build-container.sh DIST_DIR [TAG]}"
version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
tag="${2:-kash-http:$version}"
certs=/etc/ssl/certs/ca-certificates.crt
[ -x "$dist/kash-http" ] || { echo "build-container: no $dist/kash-http" >&2; exit 1; }
[ -s "$certs" ] || { echo "build-container: no CA bundle at $certs (Debian: ca-certificates)" >&2; exit 1; }

context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
cp "$dist/kash-http" "$certs" packaging/container/Containerfile "$context/"
mkdir "$context/data"

if command -v podman >/dev/null; then
  podman build --format docker --build-arg VERSION="$version" -t "$tag" -f "$context/Containerfile" "$context"
elif command -v buildah >/dev/null; then
  buildah bud --format docker --build-arg VERSION="$version" -t "$tag" -f "$context/Containerfile" "$context"
else
  echo "build-container: neither podman nor buildah is installed (Debian: podman)" >&2; exit 1
fi
echo "$tag"
