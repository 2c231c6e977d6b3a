#!/bin/sh
# The auto mode choice on demo files the model has never seen (issue 12 §1):
# for each size and seed, train with the true best pathway as the truth
# column and print both modes' truth_top1 (held-out share whose top pathway
# is the true best), the chosen mode and the paired difference of the policy
# values (fit minus allocations, 95% interval).
# Usage: bench/mode-choice.sh [SIGNPOST] [CORRECT_SHARE]
# (SIGNPOST defaults to target/release/signpost; CORRECT_SHARE to 0.7, the demo's.)
set -eu
bin=${1:-target/release/signpost}
share=${2:-0.7}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'rows\tseed\tchosen\talloc_top1\tfit_top1\tdifference (low, high)\n'
for rows in 2000 20000; do
  for seed in 101 102 103 104 105; do
    "$bin" demo referrals --rows "$rows" --seed "$seed" --truth --correct-share "$share" > "$dir/d.csv"
    "$bin" train "$dir/d.csv" --pathway pathway_allocated --outcome outcome_success \
      --success yes --truth true_best_pathway > "$dir/r.json"
    python3 - "$rows" "$seed" "$dir/r.json" <<'PY'
import json, sys
rows, seed, path = sys.argv[1], sys.argv[2], sys.argv[3]
r = json.load(open(path))
m = r["modes"]; d = r["modes_difference"]
print(f'{rows}\t{seed}\t{r["chosen_mode"]}\t{m["allocations"]["truth_top1"]:.3f}\t{m["fit"]["truth_top1"]:.3f}\t'
      f'{100*d["estimate"]:+.2f} ({100*d["low"]:+.2f}, {100*d["high"]:+.2f}) points')
PY
  done
done
