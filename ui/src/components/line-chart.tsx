import { linearScale, linePath, niceTicks, type Series, xExtent, yMax } from '../chart.js';
import { formatBytes } from '../format.js';

const W = 560;
const H = 180;
const PAD = { l: 64, r: 12, t: 12, b: 28 };
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];

function yLabel(v: number, unit: Series['unit']): string {
  if (unit === 'bytes') return formatBytes(v);
  if (unit === 'bytes/s') return `${formatBytes(v)}/s`;
  if (unit === 'percent') return `${Math.round(v)} %`;
  return String(Math.round(v * 100) / 100);
}

/** A line chart in SVG: one line per series, x in the unit `xLabel` names. */
export function LineChart(props: { title: string; series: Series[]; xLabel: (x: number) => string }) {
  const { title, series } = props;
  const [x0, x1] = xExtent(series);
  const ticks = niceTicks(yMax(series));
  const top = ticks[ticks.length - 1] ?? 1;
  const sx = linearScale(x0, x1, PAD.l, W - PAD.r);
  const sy = linearScale(0, top, H - PAD.b, PAD.t);
  const unit = series[0]?.unit ?? 'count';
  const count = series.reduce((n, s) => n + s.points.length, 0);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${title} chart`}
        data-points={count}
        preserveAspectRatio="xMidYMid meet"
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.l} x2={W - PAD.r} y1={sy(t)} y2={sy(t)} className="grid" />
            <text x={PAD.l - 6} y={sy(t) + 4} textAnchor="end" className="tick">
              {yLabel(t, unit)}
            </text>
          </g>
        ))}
        <text x={PAD.l} y={H - 8} className="tick">
          {props.xLabel(x0)}
        </text>
        <text x={W - PAD.r} y={H - 8} textAnchor="end" className="tick">
          {props.xLabel(x1)}
        </text>
        {series.map((s, i) => (
          <g key={s.name}>
            <path d={linePath(s.points, sx, sy)} fill="none" stroke={COLORS[i % 4]} strokeWidth={2} />
            {s.points.length <= 60 &&
              s.points.map((p) => (
                <circle key={p.x} cx={sx(p.x)} cy={sy(p.y)} r={2.5} fill={COLORS[i % 4]} className="point" />
              ))}
          </g>
        ))}
      </svg>
      {series.length > 1 && (
        <ul className="legend">
          {series.map((s, i) => (
            <li key={s.name}>
              <span style={{ background: COLORS[i % 4] }} aria-hidden="true" /> {s.name}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
