#!/usr/bin/env bash
# The kash-http image (scripts/build-container.sh), run as an operator would: unprivileged, its
# own health check healthy, the demo shop served over HTTP to the official MCP Python SDK
# (tests/python/client.py: tools, a sale, a summary, a PDF) through a published port.
#
#   tests/container_check.sh DIST_DIR PYTHON
#
# On machines whose cgroups crun cannot drive (hybrid v1/v2, as in this project's CI sandbox),
# podman runs the container with runc and explicit file and process limits; elsewhere the
# defaults are used.
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:?usage: tests/container_check.sh DIST_DIR PYTHON}"
python="${2:?usage: tests/container_check.sh DIST_DIR PYTHON}"
version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
tag="kash-http:$version-check"
name="kash-http-check-$$"

started=$(date +%s.%N)
scripts/build-container.sh "$dist" "$tag" >/dev/null
run_flags=()
if mount | grep -q '^cgroup on /sys/fs/cgroup/'; then
  run_flags=(--runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
podman run -d --name "$name" "${run_flags[@]}" -p "127.0.0.1:$port:8080" "$tag" --sandbox \
  >/dev/null 2>&1
trap 'podman rm -f "$name" >/dev/null 2>&1 || true; podman rmi "$tag" >/dev/null 2>&1 || true' EXIT

for _ in $(seq 1 100); do
  curl -fsS -m 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
ready=$(date +%s.%N)
[ "$(curl -fsS -m 2 "http://127.0.0.1:$port/health")" = ok ] || {
  podman logs "$name" >&2; echo "container_check: /health did not answer ok" >&2; exit 1; }
echo "image built and serving /health in $(python3 -c "print(f'{$ready-$started:.1f}')") s" >&2

# What the image is: from scratch, an unprivileged user, the health check, the size.
user="$(podman image inspect "$tag" --format '{{.Config.User}}')"
[ "$user" = "65532:65532" ] || { echo "container_check: runs as '$user'" >&2; exit 1; }
health="$(podman image inspect "$tag" --format '{{json .Config.Healthcheck}}')"
case "$health" in *--health-check*) ;; *) echo "container_check: no health check: $health" >&2; exit 1 ;; esac
layers="$(podman image inspect "$tag" --format '{{len .RootFS.Layers}}')"
size="$(podman image inspect "$tag" --format '{{.Size}}')"
echo "image: user $user, $layers layers, $size bytes, health check: $health" >&2

# The image's own health check, run by podman inside the container.
podman healthcheck run "$name" >/dev/null 2>&1 || {
  echo "container_check: podman healthcheck run failed" >&2; exit 1; }
echo "health check inside the container: healthy" >&2
# The process inside is not root.
uid="$(podman top "$name" huser 2>/dev/null | tail -1 | tr -d ' ')"
[ "$uid" != "0" ] && [ "$uid" != "root" ] || { echo "container_check: the server runs as root" >&2; exit 1; }

# A real MCP session through the published port, with the header the server printed.
auth="$(podman logs "$name" 2>/dev/null | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["authorization"])')"
"$python" tests/python/client.py http "http://127.0.0.1:$port/mcp" "$auth"
echo "container_check: OK" >&2
