#!/usr/bin/env bash
# Runs every BPDP test: starts the real servers the integration tests need (installing them from
# Debian packages when missing; needs root), then builds and tests the whole solution.
#
#   scripts/test.sh                   every test, the fault campaign's subset included
#   scripts/test.sh --fault-campaign  the whole fault campaign instead, printing its table (docs/reliability.md)
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  "") campaign=false ;;
  --fault-campaign) campaign=true ;;
  *) echo "usage: $0 [--fault-campaign]" >&2; exit 2 ;;
esac

# Style first: it takes a second and needs no server.
scripts/check-style.sh

# Assigned first so that a server failing to start stops this script.
server_env=$(scripts/services.sh up)
eval "$server_env"
dotnet build BPDP.sln -c Release
BPDP_EXECUTOR_BINARY=$(scripts/publish-executor.sh)
BPDP_BASE_IMAGE_LAYOUT=$(scripts/build-base-image.sh)
export BPDP_EXECUTOR_BINARY BPDP_BASE_IMAGE_LAYOUT
if $campaign; then
  exec dotnet test tests/Bpdp.IntegrationTests -c Release --no-build --filter "Category=FaultCampaign" --logger "console;verbosity=detailed"
fi
scripts/validate-deploy.sh
# The console's browser tests drive Debian's Chromium (with Playwright; no browser is downloaded).
if ! command -v chromium >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null; }
fi
# The outside publisher of the plain-JSON tests: Node.js with amqplib, from the lock file.
(cd tests/node-publisher && npm ci --no-audit --no-fund --silent)
# The whole fault campaign (minutes) runs on its own (--fault-campaign); its subset (Category=Faults) runs here.
dotnet test BPDP.sln -c Release --no-build --filter "Category!=FaultCampaign" --logger "console;verbosity=minimal"
