#!/usr/bin/env bash
# Builds the static site into dist/ (release, offline, strict CSP, service
# worker versioned by content).
#   scripts/build.sh          the page as deployed
#   scripts/build.sh --bench  the same page with the browser benchmark
#                             workloads (cargo feature `bench`) for
#                             bench/browser.mjs; never deploy this one
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
if [[ "${1:-}" == "--bench" ]]; then
  # Trunk takes cargo features per <link>: a copy of index.html that turns
  # `bench` on for the page (the worker does not need it).
  sed 's|data-bin="signpost-app"|data-bin="signpost-app" data-cargo-features="bench"|' index.html > bench.html
  trap 'rm -f bench.html' EXIT
  trunk build bench.html --release
  # Trunk names the page after its source file.
  if [[ -f dist/bench.html ]]; then mv dist/bench.html dist/index.html; fi
else
  trunk build --release
fi
