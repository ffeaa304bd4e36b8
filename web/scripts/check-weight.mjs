// Fails the build when the first page's JavaScript or the widget grows past its budget.
// First page: index.html's entry module plus every module it imports statically (not the
// other lazily loaded pages) and the home page's module, gzipped. Widget: embed.js (self-contained), gzipped.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(new URL(import.meta.url).pathname), '..', 'dist');
const BUDGETS = { firstPage: 120 * 1024, embed: 40 * 1024 };

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

/** Static imports of a built module, followed transitively. */
function closure(entry, seen = new Set()) {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const code = readFileSync(join(dist, entry), 'utf8');
  const here = dirname(entry);
  for (const match of code.matchAll(/(?:import|export)\s*(?:[^'"()]*?from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
    closure(join(here, match[1]), seen);
  }
  return seen;
}

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entries = [...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g)].map((m) => m[1]);
const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g)].map((m) => m[1]);
// The home page's own module is loaded at once on "/", so it counts too.
const home = readdirSync(join(dist, 'assets')).filter((f) => /^home-.*\.js$/.test(f)).map((f) => `assets/${f}`);
const files = new Set();
for (const entry of [...entries, ...preloads, ...home]) for (const f of closure(entry)) files.add(f);
const firstPage = [...files].reduce((sum, f) => sum + gz(f), 0);
const embed = gz('embed.js');

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`first page JS: ${kb(firstPage)} gzipped (${files.size} files; budget ${kb(BUDGETS.firstPage)})`);
console.log(`embed.js: ${kb(embed)} gzipped (budget ${kb(BUDGETS.embed)})`);
let failed = false;
if (firstPage > BUDGETS.firstPage) {
  console.error('first page JavaScript is over budget');
  failed = true;
}
if (embed > BUDGETS.embed) {
  console.error('embed.js is over budget');
  failed = true;
}
process.exit(failed ? 1 : 0);
