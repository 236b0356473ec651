#!/usr/bin/env bash
# Publishes the policy executor as a self-contained Native AOT binary: artifacts/executor/bpdp-executor.
# Prints the path. The Builder puts this binary into policy images.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/executor
dotnet publish executor/Bpdp.Executor.csproj -c Release -r linux-x64 -o "$out" -p:DebugType=none -p:StripSymbols=true >&2
rm -f "$out"/*.dbg "$out"/*.pdb "$out"/*.staticwebassets.endpoints.json
echo "$PWD/$out/bpdp-executor"
