#!/usr/bin/env bash
# One run of the Fashion-MNIST MLP (SGD momentum): the gradient norm grows while the loss falls, and the loss along
# the straight line from the initial to the final parameters (Goodfellow, Vinyals, Saxe 2015) is monotone;
# goodfellow.png, goodfellow.md and goodfellow.csv under --out:
#   examples/goodfellow.sh [--quick] [--out runs/goodfellow] [--train 8192] [--probe 1000] [--epochs 5]
#       [--batch 64] [--lr 0.01] [--hidden 100] [--seed 1] [--points 41]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# one native thread per run unless told otherwise: these models are small, and on a busy 2-core machine two
# OpenMP threads spin against each other (measured at load 10-17: 1,280 MLP steps took 32 s with one thread;
# with two, 2,560 steps were not done after 11 minutes)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec "$here/run.sh" io.github.landscape4j.examples.study.GoodfellowCommand "$@"
