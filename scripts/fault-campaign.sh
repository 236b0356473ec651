#!/usr/bin/env bash
# The whole fault campaign (docs/reliability.md): every stage killed at its busiest moment and every server
# stopped or restarted mid-deployment, on servers of its own, with users on the live address; prints the table
# of invariants. Needs root, as scripts/test.sh does (it starts the servers with scripts/services.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

server_env=$(scripts/services.sh up)
eval "$server_env"
dotnet build BPDP.sln -c Release
BPDP_EXECUTOR_BINARY=$(scripts/publish-executor.sh)
BPDP_BASE_IMAGE_LAYOUT=$(scripts/build-base-image.sh)
export BPDP_EXECUTOR_BINARY BPDP_BASE_IMAGE_LAYOUT
dotnet test tests/Bpdp.IntegrationTests -c Release --no-build --filter "Category=FaultCampaign" --logger "console;verbosity=detailed"
