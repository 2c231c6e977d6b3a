#!/bin/sh
# The auto mode choice on demo files the model has never seen (issue 12 §1):
# for each size and seed, train with the true best pathway as the truth
# column and print both modes' truth_top1 (held-out share whose top pathway
# is the true best), the chosen mode and what settled it, each mode's
# consistency (held-out share on which two cross-validation models agree on
# the top pathway) and the paired difference of the policy values (fit minus
# allocations, 95% interval).
# Usage: bench/mode-choice.sh [SIGNPOST] [CORRECT_SHARE]
# (SIGNPOST defaults to target/release/signpost; CORRECT_SHARE to 0.7, the demo's.)
# SIZES and SEEDS (space-separated) override the sizes 2000 and 20000 and the
# seeds 101 to 105, e.g. SIZES=20000 SEEDS="$(seq 201 240)".
set -eu
bin=${1:-target/release/signpost}
share=${2:-0.7}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'rows\tseed\tchosen\tsettled_by\talloc_top1\tfit_top1\talloc_consistency\tfit_consistency\tdifference (low, high)\n'
for rows in ${SIZES:-2000 20000}; do
  for seed in ${SEEDS:-101 102 103 104 105}; do
    "$bin" demo referrals --rows "$rows" --seed "$seed" --truth --correct-share "$share" > "$dir/d.csv"
    "$bin" train "$dir/d.csv" --pathway pathway_allocated --outcome outcome_success \
      --success yes --truth true_best_pathway > "$dir/r.json"
    python3 - "$rows" "$seed" "$dir/r.json" <<'PY'
import json, sys
rows, seed, path = sys.argv[1], sys.argv[2], sys.argv[3]
r = json.load(open(path))
m = r["modes"]; d = r["modes_difference"]
a, f = m["allocations"], m["fit"]
print(f'{rows}\t{seed}\t{r["chosen_mode"]}\t{r["settled_by"]}\t{a["truth_top1"]:.3f}\t{f["truth_top1"]:.3f}\t'
      f'{a["consistency"]:.3f}\t{f["consistency"]:.3f}\t'
      f'{100*d["estimate"]:+.2f} ({100*d["low"]:+.2f}, {100*d["high"]:+.2f}) points')
PY
  done
done | tee "$dir/rows.tsv"
# The issue's goal: at 20,000 rows the chosen mode's truth_top1 is never more
# than 2 points behind the better mode's; at 2,000 never more than 2 points
# behind the seed method's (allocations).
python3 - "$dir/rows.tsv" <<'PY'
import sys
by_size = {}
for line in open(sys.argv[1]):
    rows, seed, chosen, settled, a, f = line.split('\t')[:6]
    a, f = float(a), float(f)
    top = f if chosen == 'fit' else a
    ref = max(a, f) if int(rows) >= 20000 else a
    s = by_size.setdefault(rows, [0, 0, 0.0])
    s[0] += 1
    s[1] += (ref - top) > 0.02
    s[2] = max(s[2], ref - top)
for rows, (n, behind, worst) in by_size.items():
    what = 'the better mode' if int(rows) >= 20000 else 'the seed method'
    print(f'{rows} rows: {behind} of {n} files more than 2 points behind {what} on truth_top1 (worst {100 * worst:.1f} points)')
PY
