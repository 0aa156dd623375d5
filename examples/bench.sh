#!/usr/bin/env bash
# Runs one benchmark program, which prints one JSON line: examples/bench.sh NAME
#   overhead        recording cost on training steps of the Fashion-MNIST MLP (one ND4J thread; then its own threads)
#   surface         one grid point vs one bare forward pass, 21x21 plane, 2,000-example probe
#   surface-linear  the same with the first-layer linearity path (and its difference to the generic path)
#   hessian         power-iteration top eigenvalue vs the exact Hessian of a small network
#   hessian-relu    top eigenvalue and Hutchinson trace vs the exact Hessian of a ReLU MLP with softmax output
#   curvature       a default snapshot's trace, top eigenvalue and ε-sharpness on the demo MLP vs exact/converged
#                   values (the trace's closed form, a long Lanczos run, a 200-evaluation ascent; and a tanh/MSE MLP)
#   snapshot        one whole default snapshot vs one bare forward pass on the same probe (goal: <= 400)
#   snapshot-cnn    the same for a LeNet-like CNN on Fashion-MNIST (optional --snapshots N, --steps N)
#   snapshot-graph  the same for a residual ComputationGraph with batch norm on Fashion-MNIST
#   snapshot-rnn    the same for a seq2seq LSTM graph on generated sums of different lengths (masks)
#   agent           startup cost of -javaagent: JVM start to first training iteration, with and without
#   spark           a 51x51 plane of a 784-1000-1000-10 MLP (1,000-example probe) by the engine in one JVM and on
#                   Spark local[1] and local[2]: times, max_rel_error (0), per-task cost, projected speed-ups
#   programs        four plain DL4J programs (regression, XOR, LSTM, seq2seq graph) without and with -javaagent and
#                   default options: wall times, snapshots stored and when the first came (optional --scale F;
#                   --repeat N runs each N times: medians, each run's ratio, how many met 1.1x + 1 s)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
declare -A mains=(
  [overhead]=io.github.landscape4j.examples.bench.OverheadBench
  [surface]=io.github.landscape4j.examples.bench.SurfaceBench
  [surface-linear]="io.github.landscape4j.examples.bench.SurfaceBench linear"
  [hessian]=io.github.landscape4j.examples.bench.HessianBench
  [hessian-relu]=io.github.landscape4j.examples.bench.HessianReluBench
  [curvature]=io.github.landscape4j.examples.bench.CurvatureBench
  [agent]=io.github.landscape4j.examples.bench.AgentStartupBench
  [snapshot]=io.github.landscape4j.examples.bench.SnapshotBench
  [snapshot-cnn]="io.github.landscape4j.examples.bench.ModelSnapshotBench cnn"
  [snapshot-graph]="io.github.landscape4j.examples.bench.ModelSnapshotBench graph"
  [snapshot-rnn]="io.github.landscape4j.examples.bench.ModelSnapshotBench rnn"
  [programs]=io.github.landscape4j.examples.bench.ProgramsBench
  [spark]=io.github.landscape4j.examples.bench.SparkBench
)
name="${1:-}"
if [[ -z "$name" || -z "${mains[$name]:-}" ]]; then
  echo "usage: examples/bench.sh NAME   (NAME one of: ${!mains[*]})" >&2
  exit 2
fi
shift
if [[ "$name" == "spark" ]]; then export LANDSCAPE4J_SPARK=1; fi # Spark on this program's class path only
# shellcheck disable=SC2086 # a main class may carry its own first argument
exec "$here/run.sh" ${mains[$name]} "$@"
