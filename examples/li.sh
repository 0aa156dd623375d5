#!/usr/bin/env bash
# Li et al. 2018, the weight-decay trap, on the Fashion-MNIST MLP: small vs large batch (SGD momentum), without and
# with weight decay; the loss along one random direction, raw and filter-normalized; which batch looks sharper in
# each; li.png, li.md and li.csv under --out:
#   examples/li.sh [--quick] [--out runs/li] [--train 8192] [--probe 1000] [--epochs 10] [--small 64]
#       [--large 2048] [--lr 0.05] [--weight-decay 0.0005] [--hidden 100] [--seed 1] [--points 41] [--model mlp|mlp-bn]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# one native thread per run unless told otherwise: these models are small, and on a busy 2-core machine two
# OpenMP threads spin against each other (measured at load 10-17: 1,280 MLP steps took 32 s with one thread;
# with two, 2,560 steps were not done after 11 minutes)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec "$here/run.sh" io.github.landscape4j.examples.study.LiCommand "$@"
