#!/usr/bin/env bash
# Alternates two builds of the load drivers, same arguments, one session: BEFORE and AFTER are clones built with
# ./mvnw -DskipTests -pl bench -am package (e.g. BEFORE at 570c17f). Usage: scripts/perf-before-after.sh BEFORE AFTER
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BEFORE_CLONE AFTER_CLONE" >&2; exit 2; }
. "$(dirname "${BASH_SOURCE[0]}")/find-java.sh"
J=$JAVA
run() { # label jar args...
  local label=$1 jar=$2; shift 2
  echo "=== $label $*"
  $J --enable-native-access=ALL-UNNAMED -Xmx4g -Dcheckpass.log.level=WARN -jar "$jar" "$@" 2>&1 | tail -4
}
B=$1/bench/target/checkpass-bench.jar
A=$2/bench/target/checkpass-bench.jar
for i in 1 2 3; do
  run before $B issuance --seconds 20 --warmup 30
  run after  $A issuance --seconds 20 --warmup 30
done
for i in 1 2 3; do
  run after  $A issuance --seconds 20 --warmup 30 --repeat
  run before $B issuance --seconds 20 --warmup 30 --repeat
done
for i in 1 2 3; do
  run before $B ingest --seconds 20 --warmup 10 --concurrency 4
  run after  $A ingest --seconds 20 --warmup 10 --concurrency 4
done
echo DONE
