#!/usr/bin/env bash
# The live demo: trains the Fashion-MNIST MLP with the landscape listener and serves the live page (URL printed
# first; it keeps serving after training until Ctrl-C). Arguments go to the demo program:
#   --store PATH (default runs/demo.db)  --epochs N (default 2)  --max-iterations N  --port N (default 9000)
#   --snapshot SCHEDULE (default every:N, N = iterations/7: evenly spaced; off, every:N, epoch or budget:P%)
#   --serve false (exit after training)
# It prints how long training took and what share of that went to snapshots.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "installing Debian's dataset-fashion-mnist ..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >&2
  else
    echo "Fashion-MNIST is missing: run 'sudo apt-get install dataset-fashion-mnist' and try again" >&2
    exit 1
  fi
fi
# ND4J's OpenMP threads spin when they share 2 cores with anything else: snapshots took ~10x as long on such a machine
if [[ -z "${OMP_NUM_THREADS:-}" && $(nproc) -le 2 ]]; then
  export OMP_NUM_THREADS=1
fi
exec "$here/run.sh" io.github.landscape4j.examples.Demo "$@"
