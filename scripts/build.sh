#!/usr/bin/env bash
# Builds the static site into dist/ (release, offline, strict CSP).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
trunk build --release
