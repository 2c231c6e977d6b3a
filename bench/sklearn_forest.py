"""Fits scikit-learn's RandomForestClassifier on the forest bench's data.

The same rows and split as `cargo bench --bench forest` (first 80% train,
last 20% test), the same settings as our default forest: 100 trees, depth 10,
balanced class weights, one thread. Run the bench first: it writes the CSV.

    pip install scikit-learn
    python3 bench/sklearn_forest.py [bench/out/forest_20k.csv]
"""

import csv
import sys
import time

from sklearn.ensemble import RandomForestClassifier


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "bench/out/forest_20k.csv"
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows = [[float(v) for v in row] for row in reader]
    x = [row[:-1] for row in rows]
    y = [int(row[-1]) for row in rows]
    n_train = len(rows) * 8 // 10
    for class_weight in ("balanced", None):
        model = RandomForestClassifier(
            n_estimators=100, max_depth=10, n_jobs=1, class_weight=class_weight, random_state=42
        )
        times = []
        for _ in range(3):
            start = time.perf_counter()
            model.fit(x[:n_train], y[:n_train])
            times.append(time.perf_counter() - start)
        accuracy = model.score(x[n_train:], y[n_train:])
        print(
            f"scikit-learn fit, 100 trees, depth 10, class_weight={class_weight}: "
            f"min {min(times):.3f} s (3 runs), hold-out accuracy {accuracy:.4f}"
        )


if __name__ == "__main__":
    main()
