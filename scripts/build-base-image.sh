#!/usr/bin/env bash
# Builds the distroless-style base image for policy images from pinned Debian packages, reproducibly:
# downloads the .deb files, unpacks them with dpkg -x and turns the tree into one layer with
# `bpdp base` (sorted entries, fixed times and owners). Writes the OCI layout artifacts/base/layout
# (ref: latest) and prints its directory; the digest is on stderr.
#
# The executor is a Native AOT binary: it links against the C library and loads OpenSSL's libcrypto
# at run time (SHA-256 of the policy), so the base is libc6 and libssl3, at the versions installed
# here (the ones the executor was built and tested with). Pin others with LIBC6_VERSION=… and
# LIBSSL3_VERSION=…; SOURCE_DATE_EPOCH sets the image's creation time (default: the Unix epoch).
# Push it with: skopeo copy --dest-tls-verify=false oci:artifacts/base/layout:latest docker://REGISTRY/bpdp/base
set -euo pipefail
cd "$(dirname "$0")/.."
# The installed version, unless pinned; when the archive no longer serves it (a security update
# replaced it), the archive's candidate, said out loud: the image records what it was made from.
pick() {
  local name=$1 pinned=$2 installed candidate
  installed=$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null || true)
  local want=${pinned:-$installed}
  if [ -n "$want" ] && apt-cache madison "$name" | awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep -qxF "$want"; then
    echo "$name=$want"
    return
  fi
  candidate=$(apt-cache policy "$name" | awk '/Candidate:/ {print $2}')
  if [ -n "$pinned" ] || [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
    echo "build-base-image: the archive does not serve $name=${want:-?}; run apt-get update, or pin an available version" >&2
    exit 1
  fi
  echo "build-base-image: $name $want is no longer served; using $candidate" >&2
  echo "$name=$candidate"
}
packages=("$(pick libc6 "${LIBC6_VERSION:-}")" "$(pick libssl3 "${LIBSSL3_VERSION:-}")")
work=artifacts/base
rm -rf "$work/debs" "$work/rootfs" "$work/layout"
mkdir -p "$work/debs" "$work/rootfs"
(cd "$work/debs" && apt-get download "${packages[@]}" >&2 2>/dev/null) || {
  echo "build-base-image: apt-get download ${packages[*]} failed" >&2
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
