#!/usr/bin/env bash
# Runs a bigbatch command on this machine with no Spark installation: builds what is missing or stale, then starts
# the entry point with Spark and every dependency on the class path.
#
#   submit/local.sh quickstart                      # = train --config conf/quickstart.conf --out runs/quickstart
#   submit/local.sh COMMAND [--config FILE] [--set key=value]... [--out URI] [options]
#
# Environment: BIGBATCH_HEAP (default 4g), BIGBATCH_OFFHEAP (ND4J off-heap limit, default 6G),
# BIGBATCH_PHYSICAL (JavaCPP's limit on the process's resident memory, default 12G),
# OMP_NUM_THREADS (default 1: Spark runs one task per core, each on one ND4J thread).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ $# -eq 0 ]; then
  # EX_USAGE, as the cluster scripts' own usage errors (docs/EXIT_CODES.md).
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 64
fi

if [ "$1" = "quickstart" ]; then
  shift
  set -- train --config "$root/conf/quickstart.conf" --out "$root/runs/quickstart" "$@"
fi

jar="$root/spark-jobs/target/bigbatch-spark-jobs.jar"
classpath="$root/spark-jobs/target/classpath.txt"
stale=""
if [ -f "$jar" ] && [ -f "$classpath" ]; then
  stale=$(find "$root/optimizer" "$root/data-prep" "$root/spark-jobs" "$root/pom.xml" \
    \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' \) -newer "$jar" -print -quit)
fi
if [ ! -f "$jar" ] || [ ! -f "$classpath" ] || [ -n "$stale" ]; then
  echo "bigbatch: building (mvn -DskipTests -Dlocal package)..." >&2
  # Build output goes to stderr: stdout is the command's own (scripts parse it).
  (cd "$root" && mvn -B -q -DskipTests -Dlocal -pl spark-jobs -am package) >&2
fi

# Spark and ND4J on Java 17: the cluster scripts' list (submit/lib/common.sh, kept equal to the pom's by a test).
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$root/submit/lib/common.sh"
read -r -a opens <<< "$BB_JAVA17_OPENS"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec java "${opens[@]}" \
  -Xmx"${BIGBATCH_HEAP:-4g}" \
  -Dorg.bytedeco.javacpp.maxbytes="${BIGBATCH_OFFHEAP:-6G}" \
  -Dorg.bytedeco.javacpp.maxphysicalbytes="${BIGBATCH_PHYSICAL:-12G}" \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$jar:$(cat "$classpath")" dev.bigbatch.jobs.Main "$@"
