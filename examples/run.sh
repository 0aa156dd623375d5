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
exec java ${JAVA_OPTS:-} -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" "$main" "$@"
