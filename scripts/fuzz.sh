#!/usr/bin/env bash
# Fuzzes the parsers of untrusted bytes (ParserFuzzTest) with Jazzer, one target at a time (Jazzer fuzzes one
# @FuzzTest per JVM). A finding is written as crash-<sha1> into the target's Inputs directory under
# checkpass-server/src/test/resources/io/checkpass/server/fuzz/ParserFuzzTestInputs/, where the suite replays it
# from then on: commit it with the fix. Usage: scripts/fuzz.sh [TARGET...] [-s SECONDS]  (default: all, 60 s each)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/find-java.sh
seconds=60
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -s) seconds="$2"; shift 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(base45 cbor coseSign1 verifier sip csvImport fhirImport checkInBatch)
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${seconds}s"
  JAZZER_FUZZ=1 ./mvnw -q -B -pl checkpass-server -am test -Dspotless.check.skip=true \
    -Dtest="ParserFuzzTest#$t" -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration="${seconds}s" \
    -DtrimStackTrace=false || { echo "fuzz: $t found something; see the crash file in its Inputs directory"; exit 1; }
done
echo "fuzz: no findings"
