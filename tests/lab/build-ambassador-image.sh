#!/usr/bin/env bash
# Packs a framework-dependent publish of Grand Ambassador into an offline image:
# busybox (its wget is the HEALTHCHECK's probe of /readyz) + the host's .NET runtime (dotnet,
# host/, shared/Microsoft.NETCore.App/, and Microsoft.AspNetCore.App for the HTTP server) + every
# library ldd prints for them + libssl/libcrypto (loaded with dlopen, so ldd misses them) + the entry
# point ga-prebind (src/prebind: binds the fronted ports before the runtime starts), built static with gcc.
#   dotnet publish src/GrandAmbassador -c Release -o /tmp/ga-publish -p:UseAppHost=false
#   tests/lab/build-ambassador-image.sh /tmp/ga-publish [grand-ambassador:latest]
# Rebuilds only when the publish or the runtime changed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/images/lib.sh"

publish=${1:?usage: $0 PUBLISH_DIR [TAG]}
tag=${2:-grand-ambassador:latest}
dotnet_root=${DOTNET_ROOT:-/usr/share/dotnet}
[ -f "$publish/grand-ambassador.dll" ] || { echo "no grand-ambassador.dll in $publish" >&2; exit 1; }
[ -x "$dotnet_root/dotnet" ] || { echo "no dotnet in $dotnet_root" >&2; exit 1; }

# Only the shared frameworks the app names in its runtimeconfig go in (NETCore.App always;
# AspNetCore.App when it is a web host); each at the host's newest version of it.
frameworks=(Microsoft.NETCore.App)
if grep -q '"Microsoft.AspNetCore.App"' "$publish"/grand-ambassador.runtimeconfig.json 2>/dev/null; then
  frameworks+=(Microsoft.AspNetCore.App)
fi

prebind_source=$here/../../src/prebind/ga-prebind.c
command -v gcc >/dev/null && [ -e /usr/lib/x86_64-linux-gnu/libc.a ] \
  || { echo "building ga-prebind needs gcc and libc6-dev (apt-get install gcc libc6-dev)" >&2; exit 1; }

hash=$(inputs_hash "$here/images/lib.sh" "$0" "$prebind_source" "$dotnet_root" "${frameworks[@]}" \
  $(find "$publish" "$dotnet_root/host" "${frameworks[@]/#/$dotnet_root/shared/}" -type f | sort) )
if image_is_current "$tag" "$hash"; then echo "$tag is current"; exit 0; fi

work=$(lab_workdir ambassador)
root=$work/root
rootfs_new "$root"
rootfs_add_busybox "$root"
mkdir -p "$root$dotnet_root/shared" "$root/app"
cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$root$dotnet_root/"
for fw in "${frameworks[@]}"; do
  cp -a "$dotnet_root/shared/$fw" "$root$dotnet_root/shared/"
done
# The libraries of the host executable and of every native library in the runtime.
rootfs_add_program "$root" "$dotnet_root/dotnet" $(find "$dotnet_root/host" "${frameworks[@]/#/$dotnet_root/shared/}" -name '*.so')
for lib in /lib/x86_64-linux-gnu/libssl.so.3 /lib/x86_64-linux-gnu/libcrypto.so.3; do
  [ -e "$lib" ] && rootfs_add_program "$root" "$lib"
done
cp -a "$publish/." "$root/app/"
gcc -O2 -static -std=c11 -Wall -Wextra -Werror -o "$root/app/ga-prebind" "$prebind_source"
rootfs_import "$root" "$tag" "$hash" \
  "ENV DOTNET_ROOT=$dotnet_root" \
  'ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1' \
  'WORKDIR /app' \
  'HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD wget -q -O /dev/null "http://${GRAND_AMBASSADOR_HTTP:-127.0.0.1:8787}/readyz" || exit 1' \
  "ENTRYPOINT [\"/app/ga-prebind\",\"$dotnet_root/dotnet\",\"/app/grand-ambassador.dll\"]"
rm -rf "$work"
