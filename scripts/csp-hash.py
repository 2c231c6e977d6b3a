#!/usr/bin/env python3
"""Trunk post_build hook: put the SHA-256 of every inline <script> of the
staged index.html into the page's Content-Security-Policy, so the strict CSP
allows Trunk's own start-up script and nothing else inline."""
import base64
import hashlib
import os
import re
import sys

staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("csp-hash.py: TRUNK_STAGING_DIR is not set (run it from Trunk)")
path = os.path.join(staging, "index.html")
with open(path, encoding="utf-8") as f:
    html = f.read()

hashes = []
for body in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S):
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    hashes.append("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")

if not hashes:
    sys.exit("csp-hash.py: no inline script found; Trunk's output changed, check index.html")

marker = "script-src 'self' 'wasm-unsafe-eval'"
if marker not in html:
    sys.exit("csp-hash.py: the CSP in index.html no longer has " + marker)
html = html.replace(marker, marker + " " + " ".join(hashes), 1)
with open(path, "w", encoding="utf-8") as f:
    f.write(html)
print("csp-hash.py: allowed %d inline script(s) by hash" % len(hashes))
