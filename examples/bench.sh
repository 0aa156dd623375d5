#!/usr/bin/env bash
# Runs one benchmark program, which prints one JSON line: examples/bench.sh NAME
#   overhead  recording cost on training steps of the Fashion-MNIST MLP (issue #3)
#   agent     startup cost of -javaagent: JVM start to first training iteration, with and without (issue #6)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
declare -A mains=(
  [overhead]=io.github.landscape4j.examples.bench.OverheadBench
  [agent]=io.github.landscape4j.examples.bench.AgentStartupBench
)
name="${1:-}"
if [[ -z "$name" || -z "${mains[$name]:-}" ]]; then
  echo "usage: examples/bench.sh NAME   (NAME one of: ${!mains[*]})" >&2
  exit 2
fi
shift
exec "$here/run.sh" "${mains[$name]}" "$@"
