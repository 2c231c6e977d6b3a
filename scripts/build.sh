#!/usr/bin/env bash
# Builds the static site into dist/ (release, offline, strict CSP, service
# worker versioned by content).
#   scripts/build.sh          the page as deployed
#   scripts/build.sh --bench  the same page with the browser benchmark
#                             workloads (cargo feature `bench`) for
#                             bench/browser.mjs; never deploy this one
# The page builds with the cargo profile `page` (opt-level "z", chosen in
# index.html), the worker with `release` (opt-level 3). `--bench` keeps the
# page's profile, so the page's own workloads (ranking, one suggestion) are
# timed as deployed; the engines' workloads (import, forest, batch,
# simulation, segmentation) run in the worker when deployed, so to time them
# at the worker's opt-level build with
#   SIGNPOST_BENCH_PROFILE=release scripts/build.sh --bench
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
if [[ "${1:-}" == "--bench" ]]; then
  # Trunk takes cargo features per <link>: a copy of index.html that turns
  # `bench` on for the page (the worker does not need it).
  profile="${SIGNPOST_BENCH_PROFILE:-page}"
  if [[ ! "$profile" =~ ^[a-z0-9_-]+$ ]]; then
    echo "SIGNPOST_BENCH_PROFILE must name a cargo profile (page, release), not '$profile'" >&2
    exit 2
  fi
  sed -e 's|data-bin="signpost-app"|data-bin="signpost-app" data-cargo-features="bench"|' \
    -e "s|data-cargo-profile=\"page\"|data-cargo-profile=\"$profile\"|" index.html > bench.html
  trap 'rm -f bench.html' EXIT
  grep -q "data-cargo-profile=\"$profile\"" bench.html || {
    echo "index.html's page <link> has no data-cargo-profile=\"page\" to replace" >&2
    exit 1
  }
  trunk build bench.html --release
  # Trunk names the page after its source file.
  if [[ -f dist/bench.html ]]; then mv dist/bench.html dist/index.html; fi
else
  trunk build --release
fi
