#!/usr/bin/env bash
# Runs grand-ambassador on this machine, doing the set-up first (Debian 12, as root): installs the
# Docker engine when missing and starts it when none answers (via tests/lab/setup.sh, which also
# builds the small offline images the README's examples use), publishes the app when its sources
# changed, then runs it in the foreground with your arguments.
#   src/GrandAmbassador/run.sh --name redis
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
publish="$repo/artifacts/publish"
stamp="$publish/.sources"

bash "$repo/tests/lab/setup.sh" >&2

sources=$(cd "$repo" && find src Directory.Build.props Directory.Packages.props -type f \
  \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ ! -x "$publish/grand-ambassador" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sources" ]; then
  echo "run: publishing grand-ambassador to $publish" >&2
  dotnet publish "$repo/src/GrandAmbassador" -c Release -o "$publish" --nologo -v quiet >&2
  echo "$sources" > "$stamp"
fi

exec "$publish/grand-ambassador" "$@"
