/**
 * The last hour of calls, per fn and per minute, in memory (issue 16: the dashboard's overview
 * must not need a Prometheus server). Each fn keeps a ring of 60 minutes: calls, errors, a
 * small fixed histogram of durations (for p50/p99) and the most hot containers seen. Recording a
 * call is a map lookup and a few increments; a minute's slot is reset in place, never allocated.
 * Per node, and empty after a restart.
 */

export const MINUTE_MS = 60_000;
export const MINUTES = 60;
/** Upper bounds of the duration buckets in ms; one more bucket holds the longer calls. */
export const DURATION_BOUNDS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000, 120_000, 300_000,
];

class Minute {
  minute = -1;
  calls = 0;
  errors = 0;
  maxHot = 0;
  /** The shortest and longest durations: percentiles never read outside them. */
  minMs = Number.POSITIVE_INFINITY;
  maxMs = 0;
  readonly durations = new Uint32Array(DURATION_BOUNDS_MS.length + 1);

  reset(minute: number, hot: number): void {
    this.minute = minute;
    this.calls = 0;
    this.errors = 0;
    this.maxHot = hot;
    this.minMs = Number.POSITIVE_INFINITY;
    this.maxMs = 0;
    this.durations.fill(0);
  }
}

interface FnRing {
  appId: string;
  appName: string;
  fnId: string;
  fnName: string;
  hot: number;
  minutes: Minute[];
}

/** Summary of some calls over a stretch of minutes. */
export interface RollupFigures {
  calls: number;
  errors: number;
  calls_per_sec: number;
  error_rate: number;
  p50_ms: number | null;
  p99_ms: number | null;
  hot_containers: number;
}

export interface RollupSnapshot {
  since: string;
  minute_secs: number;
  totals: RollupFigures;
  minutes: (RollupFigures & { at: string })[];
  apps: (RollupFigures & { app_id: string; app_name: string })[];
  fns: (RollupFigures & { app_id: string; app_name: string; fn_id: string; fn_name: string })[];
}

/** The ms below which a share `q` of the histogram's calls fall, interpolated in its bucket. */
export function percentileMs(hist: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < hist.length; i++) total += hist[i] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const n = hist[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lo = i === 0 ? 0 : (DURATION_BOUNDS_MS[i - 1] ?? 0);
      const hi = DURATION_BOUNDS_MS[i];
      if (hi === undefined) return lo;
      return lo + (hi - lo) * Math.max(0, Math.min(1, (rank - seen) / n));
    }
    seen += n;
  }
  return DURATION_BOUNDS_MS[DURATION_BOUNDS_MS.length - 1] ?? null;
}

function bucketOf(ms: number): number {
  let i = 0;
  while (i < DURATION_BOUNDS_MS.length && ms > (DURATION_BOUNDS_MS[i] ?? 0)) i++;
  return i;
}

class Acc {
  calls = 0;
  errors = 0;
  hot = 0;
  minMs = Number.POSITIVE_INFINITY;
  maxMs = 0;
  readonly durations = new Uint32Array(DURATION_BOUNDS_MS.length + 1);

  add(m: Minute): void {
    this.calls += m.calls;
    this.errors += m.errors;
    this.hot += m.maxHot;
    this.minMs = Math.min(this.minMs, m.minMs);
    this.maxMs = Math.max(this.maxMs, m.maxMs);
    for (let i = 0; i < m.durations.length; i++) this.durations[i]! += m.durations[i]!;
  }

  /** A bucket's interpolation may fall beyond what was seen (one 5 s call reads 7.5 s). */
  private clamp(ms: number | null): number | null {
    return ms === null ? null : Math.min(this.maxMs, Math.max(this.minMs, ms));
  }

  figures(secs: number, hot: number): RollupFigures {
    return {
      calls: this.calls,
      errors: this.errors,
      calls_per_sec: this.calls / secs,
      error_rate: this.calls ? this.errors / this.calls : 0,
      p50_ms: this.clamp(percentileMs(this.durations, 0.5)),
      p99_ms: this.clamp(percentileMs(this.durations, 0.99)),
      hot_containers: hot,
    };
  }
}

export class CallRollup {
  private readonly fns = new Map<string, FnRing>();

  constructor(private readonly now: () => number = Date.now) {}

  private ring(spec: { appId: string; appName: string; fnId: string; fnName: string }): FnRing {
    const key = `${spec.appId}/${spec.fnId || spec.fnName}`;
    let r = this.fns.get(key);
    if (!r) {
      r = {
        appId: spec.appId,
        appName: spec.appName,
        fnId: spec.fnId,
        fnName: spec.fnName,
        hot: 0,
        minutes: Array.from({ length: MINUTES }, () => new Minute()),
      };
      this.fns.set(key, r);
    }
    return r;
  }

  private current(r: FnRing): Minute {
    const minute = Math.floor(this.now() / MINUTE_MS);
    const slot = r.minutes[minute % MINUTES]!;
    if (slot.minute !== minute) slot.reset(minute, r.hot);
    return slot;
  }

  /** A finished call: failed or not, and how long it ran (absent when it never started). */
  record(
    spec: { appId: string; appName: string; fnId: string; fnName: string },
    failed: boolean,
    execMs: number | undefined,
  ): void {
    const m = this.current(this.ring(spec));
    m.calls++;
    if (failed) m.errors++;
    if (execMs !== undefined) {
      m.durations[bucketOf(execMs)]!++;
      if (execMs < m.minMs) m.minMs = execMs;
      if (execMs > m.maxMs) m.maxMs = execMs;
    }
  }

  /** A container of the fn is up (+1) or gone (-1). */
  hot(spec: { appId: string; appName: string; fnId: string; fnName: string }, delta: 1 | -1): void {
    const r = this.ring(spec);
    r.hot = Math.max(0, r.hot + delta);
    const m = this.current(r);
    if (r.hot > m.maxHot) m.maxHot = r.hot;
  }

  /** The last hour, for every fn or those of one app or one fn. */
  snapshot(filter: { appId?: string; fnId?: string } = {}): RollupSnapshot {
    const nowMinute = Math.floor(this.now() / MINUTE_MS);
    const first = nowMinute - MINUTES + 1;
    // The current minute counts for the seconds it has run.
    const secs = (MINUTES - 1) * 60 + ((this.now() % MINUTE_MS) / 1000 || 1);
    const total = new Acc();
    const perMinute = Array.from({ length: MINUTES }, () => new Acc());
    const apps = new Map<string, { name: string; acc: Acc; hot: number }>();
    const fns: RollupSnapshot['fns'] = [];
    let hotNow = 0;
    for (const [key, r] of this.fns) {
      if (filter.appId && r.appId !== filter.appId) continue;
      if (filter.fnId && r.fnId !== filter.fnId) continue;
      const acc = new Acc();
      const app = apps.get(r.appId) ?? { name: r.appName, acc: new Acc(), hot: 0 };
      let live = false;
      for (const m of r.minutes) {
        if (m.minute < first || m.minute > nowMinute) continue;
        live = true;
        acc.add(m);
        app.acc.add(m);
        total.add(m);
        perMinute[m.minute - first]!.add(m);
      }
      // A fn without a call nor a container in the hour is forgotten.
      if (!live && r.hot === 0) {
        this.fns.delete(key);
        continue;
      }
      hotNow += r.hot;
      fns.push({
        app_id: r.appId,
        app_name: r.appName,
        fn_id: r.fnId,
        fn_name: r.fnName,
        ...acc.figures(secs, r.hot),
      });
      app.hot += r.hot;
      apps.set(r.appId, app);
    }
    fns.sort((a, b) => b.calls - a.calls);
    return {
      since: new Date(first * MINUTE_MS).toISOString(),
      minute_secs: 60,
      totals: total.figures(secs, hotNow),
      minutes: perMinute.map((acc, i) => {
        return { at: new Date((first + i) * MINUTE_MS).toISOString(), ...acc.figures(60, acc.hot) };
      }),
      apps: [...apps].map(([id, a]) => ({ app_id: id, app_name: a.name, ...a.acc.figures(secs, a.hot) })),
      fns,
    };
  }
}
