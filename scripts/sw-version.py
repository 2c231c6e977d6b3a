#!/usr/bin/env python3
"""Trunk post_build hook (after csp-hash.py): fill in the service worker's
cache list and version. The version is a SHA-256 over every cached file's
name and bytes, so any change to the page, the worker, their WebAssembly or
the styles makes a new cache and the page offers to reload into it."""
import hashlib
import json
import os
import sys

staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("sw-version.py: TRUNK_STAGING_DIR is not set (run it from Trunk)")
sw_path = os.path.join(staging, "sw.js")
if not os.path.exists(sw_path):
    sys.exit("sw-version.py: sw.js is missing from the build; check index.html copies www/sw.js")

# Every file of the build, in subfolders too (wasm-bindgen's snippets/).
files = sorted(
    os.path.relpath(os.path.join(folder, name), staging).replace(os.sep, "/")
    for folder, _, names in os.walk(staging)
    for name in names
    if not (folder == staging and name in ("sw.js", "version.txt"))
)
for needed in ["index.html", "signpost-app_bg.wasm", "worker_bg.wasm", "worker_loader.js"]:
    if needed not in files:
        sys.exit("sw-version.py: %s is missing from the build; Trunk's output changed" % needed)
digest = hashlib.sha256()
for name in files:
    digest.update(name.encode("utf-8") + b"\0")
    with open(os.path.join(staging, name), "rb") as f:
        digest.update(f.read())
version = digest.hexdigest()[:16]

with open(sw_path, encoding="utf-8") as f:
    sw = f.read()
for marker in ["'__SIGNPOST_VERSION__'", "__SIGNPOST_FILES__"]:
    if marker not in sw:
        sys.exit("sw-version.py: sw.js no longer has " + marker)
sw = sw.replace("'__SIGNPOST_VERSION__'", json.dumps(version), 1)
sw = sw.replace("__SIGNPOST_FILES__", json.dumps(files), 1)
with open(sw_path, "w", encoding="utf-8") as f:
    f.write(sw)
with open(os.path.join(staging, "version.txt"), "w", encoding="utf-8") as f:
    f.write(version + "\n")
print("sw-version.py: version %s, %d files cached" % (version, len(files)))
