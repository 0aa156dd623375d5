#!/usr/bin/env bash
# Keskar et al. 2017 (large vs small batch) on Fashion-MNIST as one command: the MLP and a small CNN trained with
# batch 64 and 4096 (Adam 1e-3) at equal train loss (the large batch until it reaches the small batch's; or
# --same-epochs), epsilon-sharpness at 1e-3 and 5e-4, and the linear interpolation between the two minimizers (their
# Figure 3) as keskar.png, with the table in keskar.md and keskar.json, under --out:
#   examples/keskar.sh [--quick] [--out runs/keskar] [--families mlp,cnn] [--train 8192] [--probe 1000]
#       [--epochs-mlp 20] [--epochs-cnn 4] [--small 64] [--large 4096] [--seed 1] [--points 31]
#       [--max-epochs-large N] [--same-epochs]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# one native thread per run unless told otherwise: these models are small, and on a busy 2-core machine two
# OpenMP threads spin against each other (measured at load 10-17: 1,280 MLP steps took 32 s with one thread;
# with two, 2,560 steps were not done after 11 minutes)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec "$here/run.sh" io.github.landscape4j.examples.study.KeskarCommand "$@"
