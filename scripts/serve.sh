#!/usr/bin/env bash
# README command 1: installs what is missing, builds the page and serves it
# with the demo workspace at http://127.0.0.1:8080/#demo (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8080}"
scripts/setup.sh
scripts/build.sh
echo
echo "Signpost is at http://127.0.0.1:$PORT/#demo (the demo workspace); http://127.0.0.1:$PORT/ for your own."
exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory dist
