#!/usr/bin/env bash
# Checks the deployment files offline: docker-compose.yml with Debian's docker-compose (installed when
# missing; needs root), and the Kubernetes manifests with `kubectl kustomize`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker-compose >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose >/dev/null; }
fi
docker-compose -f docker-compose.yml config -q
echo "docker-compose.yml: valid" >&2
if ! command -v kubectl >/dev/null; then
  echo "validate-deploy: kubectl is needed to build deploy/kubernetes (kubectl kustomize)" >&2
  exit 1
fi
kubectl kustomize deploy/kubernetes >/dev/null
echo "deploy/kubernetes: builds ($(kubectl kustomize deploy/kubernetes | grep -c '^kind:') objects)" >&2
