#!/usr/bin/env bash
# Prints the built web app's initial download (wasm + JS + CSS + HTML), raw and gzip -9.
set -euo pipefail
cd "$(dirname "$0")/../frontend/dist"
raw=0; gz=0
for f in *.wasm *.js *.css index.html; do
  [ -f "$f" ] || continue
  r=$(stat -c %s "$f"); g=$(gzip -9c "$f" | wc -c)
  printf '%-48s %9d B raw %9d B gzip\n' "$f" "$r" "$g"
  raw=$((raw + r)); gz=$((gz + g))
done
printf '%-48s %9d B raw %9d B gzip\n' "total initial download" "$raw" "$gz"
