import { readFileSync } from 'node:fs';
const [file, fname, urlPart] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file!, 'utf8'));
const lines = new Map<number, number>();
let hits = 0;
for (const n of p.nodes) {
  if (n.callFrame.functionName !== fname || !n.callFrame.url.includes(urlPart)) continue;
  hits += n.hitCount ?? 0;
  for (const t of n.positionTicks ?? []) lines.set(t.line, (lines.get(t.line) ?? 0) + t.ticks);
}
console.log('hits', hits);
for (const [l, t] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(l, t);
