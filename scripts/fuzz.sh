#!/usr/bin/env bash
# Runs every Go fuzz target in the module for $FUZZTIME each (default 3s).
#
# A target that finds a failing input fails the run (go test writes the
# input under the package's testdata/fuzz and prints "Failing input written
# to"). A run that ends only with the fuzzing engine's own "context deadline
# exceeded" (the -fuzztime deadline landing while the engine minimises a
# new input; no input is reported) is run again, up to twice, before it
# counts as a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-3s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    for try in 1 2 3; do
      echo "fuzz $pkg $target ($fuzztime)"
      if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >"$log" 2>&1; then
        break
      fi
      if [ "$try" -lt 3 ] && grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
        echo "  (the fuzzing engine hit its deadline while minimising; running $target again)"
        continue
      fi
      cat "$log"
      exit 1
    done
  done
done
