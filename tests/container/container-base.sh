#!/bin/bash
# Copy of the shared folder's tools/container-base.sh (the project's shared tools), kept here so the container tests run in a bare clone.
# One change: docker-compose is not installed here; tests/container/test_compose.py installs it (without docker.io).
# Builds a local base image for container tests on a machine with no image registry:
# Debian bookworm (python3 3.11, venv, ca-certificates) bootstrapped from Debian's packages,
# imported into podman as localhost/portalwatch-base:bookworm. Idempotent; about a minute the first time.
#
#   shared/tools/container-base.sh            # prints the image name when ready
#   podman --runtime runc build --network=host \
#     --build-arg BASE_IMAGE=localhost/portalwatch-base:bookworm -t localhost/portalwatch:test .
#   podman --runtime runc run --rm --network=host localhost/portalwatch:test ...
#
# Notes: needs root. Uses runc (crun cannot set cgroups here) and empty default ulimits.
# The machine's CA bundle is copied into the image so pip inside a build reaches the package index.
set -euo pipefail
IMAGE=localhost/portalwatch-base:bookworm
if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq podman runc debootstrap >/dev/null
fi
mkdir -p /etc/containers
grep -q default_ulimits /etc/containers/containers.conf 2>/dev/null ||
  printf '[containers]\ndefault_ulimits = []\n' >> /etc/containers/containers.conf
if podman image exists "$IMAGE"; then echo "$IMAGE"; exit 0; fi
root=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates,tzdata \
  bookworm "$root" http://deb.debian.org/debian >"$log" 2>&1 ||
  { echo "debootstrap failed, see $log" >&2; exit 1; }
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
ln -sf /usr/bin/python3 "$root/usr/local/bin/python"
tar -C "$root" -c . | podman import --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null
echo "$IMAGE"
