#!/usr/bin/env bash
# Makes the linux-x64 package of grand-ambassador: one self-contained, single-file binary (no .NET
# needed where it runs), the systemd unit, the environment file, install.sh and uninstall.sh, in
#   artifacts/linux-x64/grand-ambassador-linux-x64/   and   artifacts/grand-ambassador-linux-x64.tar.gz
# Needs the .NET 10 SDK; the linux-x64 runtime pack comes from NuGet. Publishes again only when the
# sources (deploy/sources-hash.sh), these deploy files or the SDK changed, so that tests and CI reuse it.
#   deploy/package.sh            # prints the package directory on its last line
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
log() { printf 'package: %s\n' "$*" >&2; }

command -v dotnet >/dev/null 2>&1 || { log "error: no dotnet: the .NET 10 SDK is needed to build (https://learn.microsoft.com/dotnet/core/install/linux-debian)"; exit 1; }

rid=linux-x64
name=grand-ambassador-$rid
out=$repo/artifacts/$rid
package=$out/$name
tarball=$repo/artifacts/$name.tar.gz
stamp=$out/.inputs
# Its own intermediate files (--artifacts-path): the build's obj/ and bin/ under src/ stay untouched
# (a runtime-specific restore there would rewrite project.assets.json under a running build).
build=$repo/artifacts/$rid-build
files=(install.sh uninstall.sh grand-ambassador.service env)

want=$("$here/sources-hash.sh" "${files[@]/#/$here/}" "$here/package.sh" "sdk $(dotnet --version)" "$rid")
if [ -x "$package/grand-ambassador" ] && [ -f "$tarball" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  log "$package is current"
  echo "$package"
  exit 0
fi

log "publishing a self-contained single-file build for $rid"
rm -rf "$out"
mkdir -p "$package"
# Only the binary goes into the package (not the symbols and XML docs beside it).
dotnet publish "$repo/src/GrandAmbassador" -c Release -r "$rid" --self-contained -p:PublishSingleFile=true \
  --artifacts-path "$build" -o "$out/publish" --nologo -v quiet >&2
install -m 0755 "$out/publish/grand-ambassador" "$package/grand-ambassador"
for file in "${files[@]}"; do
  mode=0644; case $file in *.sh) mode=0755 ;; esac
  install -m "$mode" "$here/$file" "$package/$file"
done
rm -rf "$out/publish"
tar -C "$out" -czf "$tarball.tmp" "$name"
mv "$tarball.tmp" "$tarball"
echo "$want" >"$stamp"
log "made $tarball ($(du -h "$tarball" | cut -f1))"
echo "$package"
