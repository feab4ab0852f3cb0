#!/usr/bin/env bash
# Runs every test of Grand Ambassador, doing all of the set-up first. On a fresh Debian 12 machine,
# as root: installs what is missing, starts a Docker engine when none answers, builds the test
# images and the grand-ambassador image, brings up the multi-host lab, then runs each test project
# in turn and prints one summary line: "tests: N passed, N failed, N skipped".
# Safe to re-run, also after a run that was killed half-way.
#   tests/run.sh                 # everything
#   tests/run.sh Proxy Grains    # only these test projects (GrandAmbassador.<name>.Tests)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
log() { printf 'run: %s\n' "$*" >&2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log "preparing the lab (packages, Docker engine, test images)"
bash tests/lab/setup.sh

# The newer engines' Debian roots (debootstrap, ~2 min once, then cached) build while .NET builds.
engines_log="$repo/artifacts/engines-roots.log"
mkdir -p "$repo/artifacts"
bash tests/lab/engines/engines.sh roots >"$engines_log" 2>&1 &
roots_pid=$!

log "building"
dotnet build Cluster.sln -c Release --nologo -v quiet

log "publishing and packing the grand-ambassador image"
publish="$repo/artifacts/publish"
rm -rf "$publish"
dotnet publish src/GrandAmbassador -c Release -o "$publish" --nologo -v quiet
bash tests/lab/build-ambassador-image.sh "$publish" grand-ambassador:latest

# The self-contained linux-x64 package (Deploy.Tests installs it): made again only when its sources changed.
log "making the linux-x64 package"
bash deploy/package.sh >/dev/null

log "starting the engines (Docker 20.10, 26.1, 28.5, Podman 4.3, 5.8, each in its own namespace)"
wait "$roots_pid" || { cat "$engines_log" >&2; log "building the engines' roots failed"; exit 1; }
bash tests/lab/engines/engines.sh up
cleanup() {
  bash tests/lab/engines/engines.sh down >/dev/null 2>&1 || true
  [ -z "${lab_up:-}" ] || bash tests/lab/multihost/lab.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [ -x tests/lab/multihost/lab.sh ] && [ -d tests/GrandAmbassador.MultiHost.Tests ]; then
  log "bringing up the multi-host lab"
  bash tests/lab/multihost/lab.sh up
  bash tests/lab/multihost/lab.sh load-images
  lab_up=1
fi

# "Proxy:sockets" runs the Proxy suite again on the sockets data path (the first run is on the event loops, the
# default): both data paths pass every proxy test (issue 23).
projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(Proxy Proxy:sockets Grains Docker Engines Host Integration Web MultiHost Deploy)
passed=0 failed=0 skipped=0 status=0
results="$repo/artifacts/test-results"
mkdir -p "$results"
rm -f "$results"/*.trx          # a matrix only from this run
for entry in "${projects[@]}"; do
  suite=${entry%%:*} path=""
  [ "$entry" = "${entry#*:}" ] || path=${entry#*:}
  name=$suite${path:+-$path}
  project="tests/GrandAmbassador.$suite.Tests"
  [ -d "$project" ] || continue
  log "testing $project${path:+ on the $path data path}"
  out="$results/$name.log"
  set +e
  GRAND_AMBASSADOR_DATA_PATH=${path:-event-loop} dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" 2>&1 | tee "$out"
  code=${PIPESTATUS[0]}
  set -e
  [ "$code" -eq 0 ] || status=1
  # "Passed!  - Failed:     0, Passed:    32, Skipped:     0, Total:    32, ..."
  summary=$(grep -E '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$out" | tail -n 1 || true)
  if [ -z "$summary" ]; then
    log "$project printed no summary (build or host failure)"; status=1; failed=$((failed + 1)); continue
  fi
  f=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")
  p=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
  s=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

# The support matrix, from this run's Engines results (docs/engines.md shows one, README a summary).
if [ -f "$results/Engines.trx" ]; then
  bash tests/lab/engines/matrix.sh "$results/Engines.trx" | tee "$results/engines-matrix.md"
fi

# The failed tests by name, last, where the tail of a CI log shows them.
bash tests/lab/failed-tests.sh "$results"/*.trx

# A skipped test is a gap, not a pass.
[ "$skipped" -eq 0 ] || status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
