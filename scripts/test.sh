#!/usr/bin/env bash
# README command 2 (and what CI runs): every check and test, native and in
# the browser. Installs what is missing first. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
LOG_DIR="target/test-logs"
mkdir -p "$LOG_DIR"

step() { printf '\n== %s\n' "$*"; }

step "setup"
scripts/setup.sh --test

step "format"
cargo fmt --check

step "core purity: no web crate outside src/ui, src/main.rs and the worker"
if grep -rnE '\b(yew|web_sys|gloo|wasm_bindgen|js_sys|rexie)::' src --include='*.rs' \
    | grep -vE '^src/(ui/|ui\.rs|main\.rs|bin/worker\.rs)'; then
  echo "a web crate is used in the core (above); the engines must stay pure" >&2
  exit 1
fi
echo "ok"

step "clippy (native, all targets)"
cargo clippy --all-targets --quiet -- -D warnings

step "clippy (wasm32: the page and the worker)"
cargo clippy --target wasm32-unknown-unknown --lib --bins --quiet -- -D warnings

step "native tests"
cargo test 2>&1 | tee "$LOG_DIR/cargo-test.log"
native_passed=$(grep -oE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$LOG_DIR/cargo-test.log" | awk '{s+=$4} END {print s+0}')
native_failed=$(grep -oE '[0-9]+ failed' "$LOG_DIR/cargo-test.log" | awk '{s+=$1} END {print s+0}')

step "release build of the page"
scripts/build.sh

step "browser tests (Playwright, Debian's Chromium, against dist/ on 127.0.0.1)"
PORT="${TEST_PORT:-8765}"
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory dist >"$LOG_DIR/http.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
python3 - "$PORT" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=1)
        break
    except Exception:
        time.sleep(0.1)
PY
set +e
BASE_URL="http://127.0.0.1:$PORT" node --test --test-concurrency=1 tests/browser/ 2>&1 | tee "$LOG_DIR/browser.log"
browser_status=${PIPESTATUS[0]}
set -e
browser_passed=$(grep -E '^# pass ' "$LOG_DIR/browser.log" | awk '{print $3}' | tail -1)
browser_failed=$(grep -E '^# fail ' "$LOG_DIR/browser.log" | awk '{print $3}' | tail -1)

step "summary"
echo "native: ${native_passed} passed, ${native_failed} failed"
echo "browser: ${browser_passed:-0} passed, ${browser_failed:-0} failed"
echo "tests: $((native_passed + ${browser_passed:-0})) passed, $((native_failed + ${browser_failed:-0})) failed"
exit "$browser_status"
