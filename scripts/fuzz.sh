#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser and file reader (issue 14).
#
# Builds fuzz/ (its own cargo workspace, never part of `cargo test`) with
# libFuzzer's coverage instrumentation on stable Rust (the flags cargo-fuzz
# passes, without a sanitizer, so no nightly is needed), seeds each target's
# corpus from the project's own files, and runs each target for RUNS
# executions or FUZZ_SECONDS seconds, whichever comes first. Crashes and hangs
# (an input taking over TIMEOUT seconds) land in fuzz/artifacts/TARGET/.
#
#   scripts/fuzz.sh                       # every target, 1,000,000 runs each
#   RUNS=20000 FUZZ_SECONDS=60 scripts/fuzz.sh csv xlsx   # a short smoke run
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-1000000}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-3600}
TIMEOUT=${TIMEOUT:-10}
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(csv xlsx workspace model scenario directory hsds fragment)
fi
TRIPLE=x86_64-unknown-linux-gnu
FUZZ_FLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
# Debug assertions and overflow checks come from fuzz/Cargo.toml's profile
# (on, except where the shipped build has them off).
(cd fuzz && RUSTFLAGS="$FUZZ_FLAGS" cargo build --release --target "$TRIPLE" --bins)
BIN=fuzz/target/$TRIPLE/release
SIGNPOST=target/debug/signpost
cargo build --bin signpost

# Seed corpora from the project's own files (made fresh each run).
seed() { mkdir -p "fuzz/corpus/$1"; }
for t in "${TARGETS[@]}"; do seed "$t"; done
tmp=$(mktemp -d)
"$SIGNPOST" demo referrals --rows 40 --seed 7 > "$tmp/referrals.csv"
"$SIGNPOST" demo directory > "$tmp/directory.csv"
"$SIGNPOST" demo directory --gazetteer > "$tmp/gazetteer.csv"
"$SIGNPOST" demo scenario > "$tmp/scenario.json"
"$SIGNPOST" demo referrals --rows 200 --seed 7 > "$tmp/history.csv"
"$SIGNPOST" train "$tmp/history.csv" --pathway pathway_allocated --outcome outcome_success \
  --success yes --trees 2 --max-depth 3 --folds 2 --model "$tmp/model.json" > /dev/null
cp tests/data/*.csv tests/data/*.tsv "$tmp/referrals.csv" fuzz/corpus/csv/ 2>/dev/null || true
cp examples/*.csv "$tmp/directory.csv" "$tmp/gazetteer.csv" fuzz/corpus/directory/ 2>/dev/null || true
cp "$tmp/scenario.json" fuzz/corpus/scenario/ 2>/dev/null || true
cp "$tmp/scenario.json" fuzz/corpus/fragment/ 2>/dev/null || true
[ -f "$tmp/model.json" ] && cp "$tmp/model.json" fuzz/corpus/model/ 2>/dev/null || true
python3 - "$tmp" <<'PY'
import json, os, sys, glob
tmp = sys.argv[1]
def put(target, name, data):
    d = f"fuzz/corpus/{target}"
    if os.path.isdir(d):
        open(f"{d}/{name}", "wb").write(data)
# HSDS: tables joined by NUL bytes, each led by a byte naming it (see fuzz/src/lib.rs).
names = ["services", "organizations", "locations", "service_at_location", "addresses",
         "phones", "schedules", "service_areas", "attributes", "services_taxonomy",
         "taxonomy_terms"]
parts = []
for i, n in enumerate(names):
    p = f"tests/data/hsds-example/{n}.csv"
    if os.path.exists(p):
        # The byte naming a table is read modulo 11: i + 11, never a NUL (the separator).
        parts.append(bytes([i + 11]) + open(p, "rb").read()[:4000].replace(b"\0", b""))
put("hsds", "example", b"\0".join(parts))
# XLSX: sheet XML, a NUL, shared strings XML.
sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         b'<dimension ref="A1:C3"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>when</t></is></c></row>'
         b'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" s="0"><v>45943.5</v></c></row>'
         b'<row r="3"><c r="A3"><v>2.5</v></c><c r="B3" t="b"><v>1</v></c><c r="C3" t="e"><v>#N/A</v></c></row></sheetData></worksheet>')
strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">'
           b'<si><t>id</t></si><si><t>name</t></si><si><t>Housing</t></si></sst>')
put("xlsx", "table", sheet + b"\0" + strings)
# Workspace: small workspaces (the target exports them with a right checksum).
scenario = json.load(open(f"{tmp}/scenario.json"))
put("workspace", "scenario", json.dumps({"origin": "seed", "scenario": scenario}).encode())
put("workspace", "empty", b"{}")
put("workspace", "envelope", json.dumps({"format": "signpost-workspace", "version": 1,
    "checksum": "0" * 64, "workspace": {"origin": "seed"}}).encode())
if os.path.exists(f"{tmp}/model.json"):
    put("workspace", "model", json.dumps({"model": json.load(open(f"{tmp}/model.json"))}).encode())
PY
rm -rf "$tmp"

for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/artifacts/$t"
  # A saved model (and a workspace holding one) is some 80 KB.
  case $t in model|workspace) max_len=${MAX_LEN:-131072} ;; *) max_len=${MAX_LEN:-8192} ;; esac
  echo "== $t"
  "$BIN/$t" "fuzz/corpus/$t" -runs="$RUNS" -max_total_time="$SECONDS_PER_TARGET" \
    -timeout="$TIMEOUT" -rss_limit_mb=4096 -max_len="$max_len" \
    -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1 2>&1 | tail -40
done
