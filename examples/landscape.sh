#!/usr/bin/env bash
# Offline landscapes: one snapshot at any resolution (e.g. 51x51) of a stored checkpoint or of a model file,
# written as a new run into a store the live page shows; --export DIR also writes .npy files for reproduction.
#   examples/landscape.sh --store runs.db --run RUN_ID [--checkpoint final] [--grid 51] [--out offline.db]
#   examples/landscape.sh --model model.zip --data npy:DIR [--grid 51] [--export DIR]
#   examples/landscape.sh ... --spark 'local[*]'   (the planes' rows as Apache Spark tasks; same numbers)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for a in "$@"; do
  if [[ "$a" == "--spark" ]]; then export LANDSCAPE4J_SPARK=1; fi
done
exec "$here/run.sh" io.github.landscape4j.examples.cli.OfflineSnapshot "$@"
