#!/usr/bin/env bash
# Prints one line per failed test in the given .trx files: "failed: <suite>: <test>: <first line of its message>".
# tests/run.sh prints these last, so the tail of a CI log names what failed without the artifacts.
#   tests/lab/failed-tests.sh artifacts/test-results/*.trx
set -euo pipefail
for trx in "$@"; do
  [ -f "$trx" ] || continue
  suite=$(basename "$trx" .trx)
  # One record per test result; a failed one carries outcome="Failed" and an <ErrorInfo><Message>.
  awk -v suite="$suite" 'BEGIN { RS = "</UnitTestResult>" }
    function decode(text) {
      gsub(/&quot;/, "\"", text); gsub(/&apos;/, "\047", text); gsub(/&lt;/, "<", text)
      gsub(/&gt;/, ">", text); gsub(/&amp;/, "\\&", text); return text
    }
    /<UnitTestResult [^>]*outcome="Failed"/ {
      name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
      message = ""
      if (match($0, /<Message>[^<]*/)) { message = substr($0, RSTART + 9, RLENGTH - 9); sub(/\n.*/, "", message) }
      printf "failed: %s: %s: %s\n", suite, decode(name), substr(decode(message), 1, 300)
    }' "$trx"
done
