#!/usr/bin/env bash
# trunk post_build hook (Trunk.toml): ships what the wasm-bindgen shim's split produced beside
# trunk's output. Each split_*/chunk_* module is wasm-opt'ed (release; trunk only optimises the
# main module) and renamed `<name>-<16 hex>.wasm` (content hash: the server caches it as
# immutable, and a tab from an older build asks for a name that is gone, not for a wrong
# module); the loader __wasm_split.js is pointed at those names and at trunk's hashed main JS.
# The loader keeps its plain name (served no-cache) because trunk's main JS imports it by name.
set -euo pipefail
st=${TRUNK_STAGING_DIR:?}; stash=${WF_WASM_SPLIT_STASH:?}
[ -f "$stash/__wasm_split.js" ] || { echo "wasm-split-post: no loader in $stash (was the shim used?)" >&2; exit 1; }
main_js=$(cd "$st" && ls windflow-frontend-*.js 2>/dev/null | head -1)
[ -n "$main_js" ] || { echo "wasm-split-post: no main JS in $st" >&2; exit 1; }
cp "$stash/__wasm_split.js" "$st/__wasm_split.js"
for f in "$stash"/split_*.wasm "$stash"/chunk_*.wasm; do
  [ -e "$f" ] || continue
  b=$(basename "$f" .wasm)
  if [ "${TRUNK_PROFILE:-debug}" = release ]; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$f" -o "$f.out"
  else
    cp "$f" "$f.out"
  fi
  h=$(sha256sum "$f.out" | cut -c1-16)
  mv "$f.out" "$st/$b-$h.wasm"
  sed -i "s#\"\\./$b\\.wasm\"#\"./$b-$h.wasm\"#g" "$st/__wasm_split.js"
done
sed -i "s#from \"\\./windflow-frontend\\.js\"#from \"./$main_js\"#" "$st/__wasm_split.js"
if grep -q '"\./\(split\|chunk\)_[0-9a-z_]*\.wasm"' "$st/__wasm_split.js"; then
  echo "wasm-split-post: a module name in __wasm_split.js was not rewritten" >&2; exit 1
fi
