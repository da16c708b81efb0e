// Summarizes a .cpuprofile (bench/hot-profile.ts HOT_PROFILE): self time by function, by file and
// by group (fnode, Fastify, undici, node:http...), and inclusive time of the frames whose label
// contains a filter. With --calls, times are per call; with --vs, groups are set against another
// profile (the bare proxy's, say) over the same number of calls.
//
//   node --import tsx bench/profile-summary.ts /tmp/hot.cpuprofile [--top=40] [--filter=src/]
//     [--calls=4000 --vs=/tmp/hot.bare.cpuprofile] [--last=4000 | --first=3000]
//
// --last=ms counts only the samples of the profile's last ms (a load at the end of a run, without
// the start-up before it); --first=ms only those of its first ms (the c=1 part of hot-profile's).
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  endTime: number;
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const file = args.find((a) => !a.startsWith('--'));
if (!file)
  throw new Error('usage: profile-summary.ts <file.cpuprofile> [--top=N] [--filter=s] [--calls=N] [--vs=f]');
const top = Number(flag('top') ?? 40);
const calls = Number(flag('calls') ?? 0);
const filter = flag('filter');
const vs = flag('vs');
const lastMs = Number(flag('last') ?? 0);
const firstMs = Number(flag('first') ?? 0);

const GROUPS: [name: string, test: RegExp][] = [
  ['syscalls (writev, read...)', /^(writev|writeBuffer|writeUtf8String|read|close|open) :/],
  ['sqlite (better-sqlite3)', /^(run|all|get|prepare|exec) :0/],
  ['GC', /^\(garbage collector\)/],
  ['fnode src', /(^| )(dist\/)?src\//],
  ['fastify, find-my-way, light-my-request', /node_modules\/(fastify|find-my-way|@fastify|avvio)/],
  ['undici', /node_modules\/undici/],
  ['pino', /node_modules\/pino/],
  ['prom-client', /node_modules\/prom-client/],
  ['kysely', /node_modules\/kysely/],
  ['other node_modules', /node_modules\//],
  ['node:http', /node:_http/],
  ['node:net, streams', /node:(net|internal\/streams|internal\/stream_base|stream)/],
  ['node:timers', /node:(internal\/)?timers|getLibuvNow|^unref /],
  ['node:events', /node:events/],
  ['microtasks, ticks', /runMicrotasks|task_queues|processPromiseRejections/],
  ['wasm (llhttp)', /wasm/],
  ['(program)', /^\(program\)/],
  ['other node internals', /node:/],
];

function load(path: string) {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Every sample counts the sampling interval (the median delta), not the delta that follows it
  // as DevTools counts: on a busy machine the thread may wait for a core long after a sample, and
  // that wait would land on whatever function it was in. A signal that comes while the thread
  // waits is taken once it runs again, so samples count time on a core.
  const sorted = [...profile.timeDeltas].sort((a, b) => a - b);
  const interval = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const selfUs = new Map<number, number>();
  let at = profile.endTime;
  for (const d of profile.timeDeltas) at -= d;
  const from = lastMs > 0 ? profile.endTime - lastMs * 1000 : Number.NEGATIVE_INFINITY;
  const until = firstMs > 0 ? profile.startTime + firstMs * 1000 : Number.POSITIVE_INFINITY;
  for (const [i, id] of profile.samples.entries()) {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= from && at < until) selfUs.set(id, (selfUs.get(id) ?? 0) + interval);
  }
  return { byId, parent, selfUs };
}

const short = (url: string) =>
  url.replace(/^.*\/(node_modules\/)/, '$1').replace(/^file:\/\/.*?\/((dist\/)?(src|bench)\/)/, '$1');
const label = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const groupOf = (l: string) => GROUPS.find(([, re]) => re.test(l))?.[0] ?? 'other';

function summarize(path: string) {
  const { byId, parent, selfUs } = load(path);
  let idle = 0;
  const fnSelf = new Map<string, number>();
  const fileSelf = new Map<string, number>();
  const groups = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const l = label(n);
    fnSelf.set(l, (fnSelf.get(l) ?? 0) + us);
    const f = short(n.callFrame.url) || n.callFrame.functionName;
    fileSelf.set(f, (fileSelf.get(f) ?? 0) + us);
    const g = groupOf(l);
    groups.set(g, (groups.get(g) ?? 0) + us);
  }
  let busy = 0;
  for (const us of fnSelf.values()) busy += us;
  return { byId, parent, selfUs, idle, busy, fnSelf, fileSelf, groups };
}

const main = summarize(file);
const fmt = (us: number) =>
  calls > 0 ? `${(us / calls).toFixed(1).padStart(7)} µs/call` : `${(us / 1000).toFixed(1).padStart(8)} ms`;
const pct = (us: number) => `${((100 * us) / main.busy).toFixed(1)} %`.padStart(7);
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${pct(us)} ${fmt(us)}  ${k}`);
};
console.log(
  `busy ${fmt(main.busy)} (${(main.busy / 1000).toFixed(0)} ms busy, ${(main.idle / 1000).toFixed(0)} ms idle)`,
);
print('self time by group', main.groups);
print('self time by function', main.fnSelf);
print('self time by file', main.fileSelf);

if (filter) {
  // Inclusive time of the frames matching `filter` (a sample counts once per label).
  const incl = new Map<string, number>();
  for (const [id, us] of main.selfUs) {
    if (main.byId.get(id)!.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = main.parent.get(cur)) {
      const l = label(main.byId.get(cur)!);
      if (!seen.has(l) && l.includes(filter)) {
        seen.add(l);
        incl.set(l, (incl.get(l) ?? 0) + us);
      }
    }
  }
  print(`inclusive time of frames matching "${filter}"`, incl);
}

if (vs) {
  const other = summarize(vs);
  console.log(`\nby group: this profile | ${vs} | difference`);
  const names = new Set([...main.groups.keys(), ...other.groups.keys()]);
  const rows = [...names].map((g) => [g, main.groups.get(g) ?? 0, other.groups.get(g) ?? 0] as const);
  rows.sort((a, b) => b[1] - b[2] - (a[1] - a[2]));
  for (const [g, a, b] of [...rows, ['total busy', main.busy, other.busy] as const]) {
    console.log(`${g.padEnd(40)} ${fmt(a)} | ${fmt(b)} | ${fmt(a - b)}`);
  }
}
