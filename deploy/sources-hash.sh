#!/usr/bin/env bash
# Prints one hash of what a build of grand-ambassador is made of: the content of every source file
# under src/ that git tracks or would track (not bin/, not obj/: a build writes those, e.g. the
# generated AssemblyInfo.cs, so hashing them made every second build look changed), the build
# policy (Directory.*.props), and any further files or words given.
#   deploy/sources-hash.sh [PATH|WORD]...
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
{
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard -- src Directory.Build.props Directory.Packages.props
  else
    # A copy without .git: the same files, bin/ and obj/ left out.
    find src Directory.Build.props Directory.Packages.props -type d \( -name bin -o -name obj \) -prune -o -type f -print0
  fi
} | sort -z | {
  # A tracked file deleted in the work tree is simply left out.
  files=()
  while IFS= read -r -d '' file; do [ -f "$file" ] && files+=("$file"); done
  [ ${#files[@]} -eq 0 ] || sha256sum -- "${files[@]}"
  for extra in "$@"; do
    if [ -f "$extra" ]; then sha256sum -- "$extra"; else printf '%s\n' "$extra"; fi
  done
} | sha256sum | cut -c1-64
