#!/usr/bin/env bash
# Installs what building and testing Signpost needs, skipping what is there.
# Idempotent; only package registries are used (crates.io, npm, Debian).
#   scripts/setup.sh          tools to build and serve the page
#   scripts/setup.sh --test   also Chromium and the browser-test packages
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION="0.21.14"          # 0.22 needs a newer rustc than 1.95
WASM_BINDGEN_VERSION="0.2.130"   # must equal wasm-bindgen in Cargo.lock
want_test=false
[ "${1:-}" = "--test" ] && want_test=true

say() { printf '\n== %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing Trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install --locked trunk --version "=$TRUNK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing the wasm-bindgen CLI $WASM_BINDGEN_VERSION (a few minutes, once)"
  # Not --locked: its lock file pins a crate release the registry here lacks.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (binaryen's wasm-opt, Playwright, axe-core)"
  npm ci --no-audit --no-fund
fi

if $want_test && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's Chromium for the browser tests"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium chromium-driver
fi

# Trunk builds offline, so the crates must be in cargo's cache first.
cargo fetch --quiet
