#!/usr/bin/env bash
# Runs grand-ambassador from this clone, in the foreground with your arguments (Debian 12, as root).
# Needs the .NET 10 SDK to build (Debian does not package it); installs and starts a Docker engine
# when none answers (deploy/ensure-docker.sh), and nothing else; publishes again only when the
# sources changed.
#   src/GrandAmbassador/run.sh --name redis
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
publish="$repo/artifacts/publish"
stamp="$publish/.sources"

if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
  echo "run.sh: building needs the .NET 10 SDK, which is not installed (Debian does not package it: https://learn.microsoft.com/dotnet/core/install/linux-debian); or install the self-contained package instead (README, Install on a server)" >&2
  exit 1
fi

bash "$repo/deploy/ensure-docker.sh"

# The sources themselves, not what a build writes (bin/ and obj/ hold generated .cs files).
sources=$("$repo/deploy/sources-hash.sh" "sdk $(dotnet --version)")
if [ ! -x "$publish/grand-ambassador" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sources" ]; then
  echo "run: publishing grand-ambassador to $publish" >&2
  dotnet publish "$repo/src/GrandAmbassador" -c Release -o "$publish" --nologo -v quiet >&2
  echo "$sources" > "$stamp"
fi

exec "$publish/grand-ambassador" "$@"
