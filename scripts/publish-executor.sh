#!/usr/bin/env bash
# Publishes the policy executor as a self-contained Native AOT binary: artifacts/executor/bpdp-executor.
# Prints the path. The Builder puts this binary, and its .deps.json, into policy images.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/executor
dotnet publish executor/Bpdp.Executor.csproj -c Release -r linux-x64 -o "$out" -p:DebugType=none -p:StripSymbols=true >&2
rm -f "$out"/*.dbg "$out"/*.pdb "$out"/*.staticwebassets.endpoints.json
# The packages the binary was built from, for the Scanner's SBOM (the Builder puts it in the image).
cp executor/bin/Release/net10.0/linux-x64/bpdp-executor.deps.json "$out/bpdp-executor.deps.json"
echo "$PWD/$out/bpdp-executor"
