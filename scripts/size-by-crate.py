#!/usr/bin/env python3
"""Size profile of a WebAssembly file by crate, from twiggy's CSV.

    twiggy top -n 1000000 --format csv FILE.wasm | python3 scripts/size-by-crate.py

Each function's (demangled) name is attributed to the first crate path in it:
`signpost::model::forest::Forest::fit` to `signpost::model`, generic
instances like `<serde_json::de::Deserializer as ...>` to `serde_json`, and
so on; data segments and unnamed items are their own rows. Prints the
largest first with their share of the file."""
import csv
import re
import sys
from collections import Counter

rows = list(csv.DictReader(sys.stdin))
if not rows:
    sys.exit("size-by-crate.py: no input; pipe `twiggy top --format csv` into it")
total = sum(int(r["ShallowSize"]) for r in rows)
by_crate = Counter()
# signpost's own modules are worth seeing one level down.
own = re.compile(r"signpost::(\w+)")
path = re.compile(r"([a-z_][a-z0-9_]*)::")
for r in rows:
    name = r["Name"]
    size = int(r["ShallowSize"])
    m = own.search(name)
    if m:
        key = "signpost::" + m.group(1)
    elif name.startswith("data[") or name.startswith("data segment"):
        key = "(data segments)"
    else:
        m = path.search(name)
        key = m.group(1) if m else "(other: " + name.split("[")[0].split(" ")[0][:30] + ")"
    by_crate[key] += size
print("%-32s %10s %6s" % ("crate", "bytes", "share"))
for key, size in by_crate.most_common(40):
    print("%-32s %10d %5.1f%%" % (key, size, 100.0 * size / total))
print("%-32s %10d" % ("total", total))
