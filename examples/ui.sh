#!/usr/bin/env bash
# The Landscape page over existing store files, or as a server receiving remote training (DL4J's remote router):
#   examples/ui.sh --store runs/a.db [--store runs/b.db ...] [--port 9000] [--host 127.0.0.1]
#   examples/ui.sh --remote true [--port 9000] [--host 0.0.0.0]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/run.sh" io.github.landscape4j.ui.LandscapeUiMain "$@"
