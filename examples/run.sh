#!/usr/bin/env bash
# Builds (if needed) and runs one example program: examples/run.sh MAIN_CLASS [ARGS...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [[ ! -f "$here/target/classpath.txt" || -n "${LANDSCAPE4J_REBUILD:-}" ]] || \
   [[ -n "$(find "$root" -path '*/src/main/*' -newer "$here/target/classpath.txt" -print -quit 2>/dev/null)" ]]; then
  (cd "$root" && mvn -B -q -DskipTests install -pl examples -am >&2)
fi
main="$1"; shift
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
opts="${JAVA_OPTS:-}"
if [[ -n "${LANDSCAPE4J_SPARK:-}" ]]; then # Spark (Jackson aligned) ahead of the rest, and its Java 17 options
  cp="$(cat "$root/spark/target/classpath.txt"):$cp"
  opts="$(cat "$root/spark/target/classes/io/github/landscape4j/spark/java17-options.txt") $opts"
  # hadoop's note that its natives are missing: nothing landscape4j needs
  opts="$opts -Dorg.slf4j.simpleLogger.log.org.apache.hadoop.util.NativeCodeLoader=error"
fi
# shellcheck disable=SC2086 # JAVA_OPTS and the options file are lists of options
exec java $opts -cp "$cp" "$main" "$@"
