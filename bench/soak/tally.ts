// Every answer of the soak, by kind of call and outcome, with its latency.
import { percentile } from '../stats.js';

/** The outcome each kind of call should have; anything else is counted as other. */
export const Expected = {
  hot: '200',
  cold: '200 new container',
  'fn update': '200',
  async: '202',
  crash: '502',
  timeout: '504',
  'app create': '200',
  'app delete': '204',
} as const;

export type Kind = keyof typeof Expected;

interface Counts {
  outcomes: Map<string, number>;
  latenciesMs: number[];
}

export class Tally {
  private readonly kinds = new Map<Kind, Counts>();

  add(kind: Kind, outcome: string, ms: number): void {
    let c = this.kinds.get(kind);
    if (!c) {
      c = { outcomes: new Map(), latenciesMs: [] };
      this.kinds.set(kind, c);
    }
    c.outcomes.set(outcome, (c.outcomes.get(outcome) ?? 0) + 1);
    c.latenciesMs.push(ms);
  }

  /** Times `call`, whose answer is the outcome; a request that got no answer is one too. */
  async time(kind: Kind, call: () => Promise<string>): Promise<void> {
    const t = performance.now();
    let outcome: string;
    try {
      outcome = await call();
    } catch (e) {
      const err = e as Error & { code?: string };
      outcome = `no answer (${err.code ?? err.name})`;
    }
    this.add(kind, outcome, performance.now() - t);
  }

  /** One line for the progress: each kind's count, and how many answers were not as expected. */
  line(): string {
    const parts = (Object.keys(Expected) as Kind[]).map(
      (k) => `${k} ${this.kinds.get(k)?.latenciesMs.length ?? 0}`,
    );
    return `${parts.join(', ')}; unexpected ${this.unexpected()}`;
  }

  unexpected(): number {
    let n = 0;
    for (const [kind, c] of this.kinds) {
      for (const [outcome, count] of c.outcomes) if (outcome !== Expected[kind]) n += count;
    }
    return n;
  }

  /** Rows: kind, calls, expected outcome, as expected, other outcomes, p50 and p99 in ms. */
  rows(): (string | number)[][] {
    return (Object.keys(Expected) as Kind[]).map((kind) => {
      const c = this.kinds.get(kind) ?? { outcomes: new Map<string, number>(), latenciesMs: [] };
      const sorted = [...c.latenciesMs].sort((a, b) => a - b);
      const others = [...c.outcomes].filter(([o]) => o !== Expected[kind]).map(([o, n]) => `${o} x${n}`);
      return [
        kind,
        String(sorted.length),
        Expected[kind],
        String(c.outcomes.get(Expected[kind]) ?? 0),
        others.join(', ') || '-',
        percentile(sorted, 50),
        percentile(sorted, 99),
      ];
    });
  }
}
