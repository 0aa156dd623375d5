#!/usr/bin/env bash
# The study: does a flat minimum predict generalization? Trains a grid of Fashion-MNIST runs, measures every final
# point, correlates each measure with the generalization gap and writes the report:
#   examples/study.sh [--quick] [--out DIR] [--store PATH] [--name NAME] [--family mlp|mlp-bn|cnn] [--hidden N]
#       [--seeds 1,2,..] [--batches 32,1024] [--optimizers sgd,adam] [--lr 0.01] [--weight-decays 0,0.0005]
#       [--dropouts 0] [--epochs 10] [--train 6000] [--probe 1000] [--stop-loss X] [--parallel 1]
#       [--spark MASTER]   (each run an Apache Spark task on MASTER, e.g. 'local[2]'; the same numbers)
# Defaults: 48 runs of the 784-100-10 MLP (6 seeds x batch 32/1024 x SGD-momentum/Adam x weight decay 0/5e-4),
# report under runs/study. --quick: 6 tiny runs (a minute or two), report under runs/study-quick.
# Started again with the same --out it resumes: finished runs are skipped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# one native thread per run unless told otherwise: these models are small, and on a busy 2-core machine two
# OpenMP threads spin against each other (measured at load 10-17: 1,280 MLP steps took 32 s with one thread;
# with two, 2,560 steps were not done after 11 minutes)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
for a in "$@"; do
  if [[ "$a" == "--spark" ]]; then export LANDSCAPE4J_SPARK=1; fi
done
exec "$here/run.sh" io.github.landscape4j.examples.study.StudyCommand "$@"
