#!/usr/bin/env bash
# Keskar et al. 2017 (large vs small batch) on Fashion-MNIST as one command: the MLP and a small CNN trained with
# batch 64 and 4096 (Adam 1e-3, same epochs), epsilon-sharpness at 1e-3 and 5e-4, and the linear interpolation
# between the two minimizers (their Figure 3) as keskar.png, with the table in keskar.md, under --out:
#   examples/keskar.sh [--quick] [--out runs/keskar] [--families mlp,cnn] [--train 8192] [--probe 1000]
#       [--epochs-mlp 20] [--epochs-cnn 4] [--small 64] [--large 4096] [--seed 1] [--points 31]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/run.sh" io.github.landscape4j.examples.study.KeskarCommand "$@"
