#!/usr/bin/env bash
# Builds the distroless-style base image for policy images from pinned Debian packages, reproducibly:
# downloads the .deb files, unpacks them with dpkg -x and turns the tree into one layer with
# `bpdp base` (sorted entries, fixed times and owners). Writes the OCI layout artifacts/base/layout
# (ref: latest) and prints its directory; the digest is on stderr.
#
# The executor is a Native AOT binary that needs only the C library, so the base is libc6 alone, at
# the version installed here (the one the executor was linked against). Pin another with
# LIBC6_VERSION=…; SOURCE_DATE_EPOCH sets the image's creation time (default: the Unix epoch).
# Push it with: skopeo copy --dest-tls-verify=false oci:artifacts/base/layout:latest docker://REGISTRY/bpdp/base
set -euo pipefail
cd "$(dirname "$0")/.."
packages=("libc6=${LIBC6_VERSION:-$(dpkg-query -W -f='${Version}' libc6)}")
work=artifacts/base
rm -rf "$work/debs" "$work/rootfs" "$work/layout"
mkdir -p "$work/debs" "$work/rootfs"
(cd "$work/debs" && apt-get download "${packages[@]}" >&2 2>/dev/null) || {
  echo "build-base-image: apt-get download ${packages[*]} failed; run apt-get update, or pin an available LIBC6_VERSION" >&2
  exit 1
}
for deb in "$work"/debs/*.deb; do
  dpkg -x "$deb" "$work/rootfs"
done
cli=cli/bin/Release/net10.0/bpdp.dll
[ -f "$cli" ] || dotnet build cli/Bpdp.Cli.csproj -c Release >&2
digest=$(dotnet "$cli" base "$work/rootfs" --packages "${packages[*]}" --output "$work/layout")
echo "build-base-image: ${packages[*]} -> $digest" >&2
echo "$PWD/$work/layout"
