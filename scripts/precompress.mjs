// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) beside every text or wasm
// file of the built web app, so the server never compresses per request (web.rs serves the
// sibling the request's Accept-Encoding prefers). Usage: node scripts/precompress.mjs <dir>
// Node's own zlib (no npm package): it is already on the machine for the browser tests.
import { readdirSync, readFileSync, writeFileSync, statSync, unlinkSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2];
if (!dir) { console.error('usage: precompress.mjs <dir>'); process.exit(2); }
const kinds = new Set(['.wasm', '.js', '.css', '.html', '.svg', '.json', '.map']);

function walk(d) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) { walk(p); continue; }
    if (name.endsWith('.br') || name.endsWith('.gz')) { unlinkSync(p); continue; }
  }
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory() || !kinds.has(extname(name))) continue;
    const raw = readFileSync(p);
    const br = brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    const gz = gzipSync(raw, { level: 9 });
    // A compressed copy no smaller than the file is not worth a request's negotiation.
    if (br.length < raw.length) writeFileSync(p + '.br', br);
    if (gz.length < raw.length) writeFileSync(p + '.gz', gz);
  }
}
walk(dir);
