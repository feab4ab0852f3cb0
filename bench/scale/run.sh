#!/usr/bin/env bash
# The control plane at scale (issue 20): an in-process cluster of a few silos, the real grains, agents and followers,
# fake engines; prints a markdown table of what the cluster costs at rest, on a restart, and when a silo dies, and
# saves it as JSON (bench/scale/out/figures.json unless --json says otherwise). bench/README.md says what each row means.
#   bench/scale/run.sh --hosts 200 --containers 50 --followers 2000 --seconds 60
#   bench/scale/run.sh --hosts 20 --followers 200 --seconds 20       # a quick one
# Options: --hosts N --containers N --shared N --followers N --silos N --seconds N --no-kill --json PATH
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
project=bench/scale/GrandAmbassador.Bench.Scale
dotnet build "$project" -c Release --nologo -v quiet >&2
# Many sockets: each follower's proxy listens on its own port.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec dotnet "$project/bin/Release/net10.0/GrandAmbassador.Bench.Scale.dll" "$@"
