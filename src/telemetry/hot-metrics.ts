import type { Metric, Registry } from 'prom-client';

/** prom-client's type names (its typings declare a numeric enum; the registry prints these). */
type MetricType = 'counter' | 'histogram';

type Labels = Record<string, string>;

interface ExportedValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

interface Series<S> {
  labels: Labels;
  data: S;
}

/**
 * Counters and histograms for the invoke path, exposed through prom-client's registry in
 * prom-client's own text format. prom-client validates and hashes the labels on every update,
 * even through a `labels()` child (about a microsecond each, eight updates per call): here a
 * series is a plain object made once per label set, and an update is an addition.
 */
abstract class HotMetric<S> {
  readonly aggregator = 'sum';
  abstract readonly type: MetricType;
  private readonly series = new Map<string, Series<S>>();

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** For a metric without labels: its one series, shown (at 0) from the start, as prom-client does. */
  protected init(labelled: boolean): void {
    if (!labelled) this.with();
  }

  /** The series of `labels`, made on first use: keep it, it is the cheap handle. */
  with(labels: Labels = {}): S {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, data: this.create() };
      this.series.set(key, s);
    }
    return s.data;
  }

  /** prom-client's Metric.get(): what the registry formats at scrape. */
  async get(): Promise<{
    name: string;
    help: string;
    type: MetricType;
    aggregator: string;
    values: ExportedValue[];
  }> {
    const values: ExportedValue[] = [];
    for (const { labels, data } of this.series.values()) {
      // As prom-client: a series without labels shows from the start, the others once updated.
      if (this.used(data) || Object.keys(labels).length === 0) this.export(labels, data, values);
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** prom-client's Metric.reset(); the handles stay valid. */
  reset(): void {
    for (const s of this.series.values()) this.zero(s.data);
  }

  protected abstract create(): S;
  protected abstract used(data: S): boolean;
  protected abstract zero(data: S): void;
  protected abstract export(labels: Labels, data: S, out: ExportedValue[]): void;
}

/** One series of a HotCounter. */
export class CounterCell {
  value = 0;

  inc(): void {
    this.value++;
  }
}

export class HotCounter extends HotMetric<CounterCell> {
  readonly type = 'counter';

  constructor(name: string, help: string, registry: Registry, labelled = false) {
    super(name, help, registry);
    this.init(labelled);
  }

  protected create(): CounterCell {
    return new CounterCell();
  }

  protected used(data: CounterCell): boolean {
    return data.value > 0;
  }

  protected zero(data: CounterCell): void {
    data.value = 0;
  }

  protected export(labels: Labels, data: CounterCell, out: ExportedValue[]): void {
    out.push({ labels, value: data.value });
  }
}

/** One series of a HotHistogram. */
export class HistogramCell {
  /** Per bucket, then one past the last bound (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

export class HotHistogram extends HotMetric<HistogramCell> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    registry: Registry,
    private readonly bounds: readonly number[],
    labelled = false,
  ) {
    super(name, help, registry);
    this.init(labelled);
  }

  protected create(): HistogramCell {
    return new HistogramCell(this.bounds);
  }

  protected used(data: HistogramCell): boolean {
    return data.count > 0;
  }

  protected zero(data: HistogramCell): void {
    data.counts.fill(0);
    data.sum = 0;
    data.count = 0;
  }

  protected export(labels: Labels, data: HistogramCell, out: ExportedValue[]): void {
    const bucket = `${this.name}_bucket`;
    let acc = 0;
    for (const [i, le] of this.bounds.entries()) {
      acc += data.counts[i]!;
      out.push({ labels: { le, ...labels }, value: acc, metricName: bucket });
    }
    out.push({ labels: { le: '+Inf', ...labels }, value: data.count, metricName: bucket });
    out.push({ labels, value: data.sum, metricName: `${this.name}_sum` });
    out.push({ labels, value: data.count, metricName: `${this.name}_count` });
  }
}
