#!/usr/bin/env bash
# Prints the support matrix (Markdown) from a run of the Engines tests: one row per behaviour
# (a test of EngineBehaviourTests), one column per engine, each cell "works" or "FAILED" (or
# "not run"), and each engine's version as the lab recorded it.
#   tests/lab/engines/matrix.sh RESULTS.trx        # from `dotnet test --logger trx`
set -euo pipefail
trx=${1:?usage: matrix.sh RESULTS.trx}
engines=(docker20 docker26 docker28 podman43 podman58)
list=/run/ga-eng/engines

# testName="...EngineBehaviourTests.Behaviour(engineName: &quot;docker28&quot;)" ... outcome="Passed"
results=$(grep -o '<UnitTestResult [^>]*>' "$trx" |
  sed -nE 's/.*testName="[^"]*EngineBehaviourTests\.([A-Za-z_]+)\(engineName: &quot;([a-z0-9]+)&quot;\)".*outcome="([A-Za-z]+)".*/\1 \2 \3/p')
# Known differences (docs/engines.md): a passing cell says how the agent got there.
note() {
  case "$1 $2" in
    "StopMarksStopping_WhileHupChangesNothing podman"*) echo " (stop seen at the next re-list, said in one line)" ;;
    "HealthCheck_HoldsTrafficUntilHealthy podman"*)     echo " (checks run by systemd's timer; none here, the test runs them)" ;;
    "NoAddress_IsSaidInOneLine_AndStatusShowsIt podman43") echo " (reports no exposed port for it either; the test gives --port)" ;;
  esac
}

header="| Behaviour |" rule="|---|"
for e in "${engines[@]}"; do
  v=$(awk -v e="$e" '$1 == e {print $5 " (API " $6 ")"}' "$list" 2>/dev/null)
  header+=" $e ${v:-} |"; rule+="---|"
done
echo "$header"; echo "$rule"
for behaviour in $(awk '{print $1}' <<<"$results" | sort -u); do
  row="| $(sed 's/_/ /g' <<<"$behaviour") |"
  for e in "${engines[@]}"; do
    outcome=$(awk -v b="$behaviour" -v e="$e" '$1 == b && $2 == e {print $3}' <<<"$results")
    case $outcome in Passed) cell=works ;; "") cell="not run" ;; *) cell=FAILED ;; esac
    [ "$cell" = works ] && cell+=$(note "$behaviour" "$e")
    row+=" $cell |"
  done
  echo "$row"
done
