// Inline SVG charts: no chart library, readable without JavaScript. The page
// hands over every word and formatted value in the admin's language.
import type { SlaBucket, SlaPerTaskType } from "@/lib/admin/sla-report";

const width = 720;

export interface ChartWords {
  noResults: string;
  noActivity: string;
  percentilesLabel: string;
  overTimeLabel: string;
  /** 100 % and 0 % in the admin's number format, for the rate axis. */
  full: string;
  zero: string;
}

export function PercentileChart({ rows, words }: { rows: Array<SlaPerTaskType & { label: string; p50: string; p95: string }>; words: ChartWords }) {
  const measured = rows.filter((r) => r.p95Seconds !== null || r.p50Seconds !== null);
  if (measured.length === 0) return <p className="muted">{words.noResults}</p>;
  const max = Math.max(...measured.map((r) => r.p95Seconds ?? r.p50Seconds ?? 0), 1);
  const rowHeight = 34;
  const labelWidth = 180;
  const scale = (v: number) => ((width - labelWidth - 110) * v) / max;
  return (
    <svg className="chart" role="img" aria-label={words.percentilesLabel} width={width} height={measured.length * rowHeight + 30} viewBox={`0 0 ${width} ${measured.length * rowHeight + 30}`} data-testid="chart-percentiles">
      {measured.map((r, i) => {
        const y = 10 + i * rowHeight;
        return (
          <g key={r.taskType}>
            <text x={0} y={y + 16} fontSize={12}>
              {r.label}
            </text>
            <rect x={labelWidth} y={y} width={scale(r.p95Seconds ?? 0)} height={12} fill="#9bb8e8">
              <title>{r.p95}</title>
            </rect>
            <rect x={labelWidth} y={y + 14} width={scale(r.p50Seconds ?? 0)} height={12} fill="#1f5fbf">
              <title>{r.p50}</title>
            </rect>
            <text x={labelWidth + scale(r.p95Seconds ?? 0) + 6} y={y + 10} fontSize={11} fill="#5b6478">
              {r.p95}
            </text>
            <text x={labelWidth + scale(r.p50Seconds ?? 0) + 6} y={y + 24} fontSize={11} fill="#1d2433">
              {r.p50}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function OverTimeChart({ buckets, words }: { buckets: Array<SlaBucket & { label: string; title: string }>; words: ChartWords }) {
  if (buckets.length === 0) return <p className="muted">{words.noActivity}</p>;
  const height = 180;
  const left = 40;
  const bottom = 24;
  const plotWidth = width - left - 10;
  const barWidth = Math.max(2, Math.min(28, plotWidth / buckets.length - 2));
  const maxLate = Math.max(...buckets.map((b) => b.lateResults), 1);
  const x = (i: number) => left + (plotWidth * (i + 0.5)) / buckets.length;
  const yRate = (rate: number) => 8 + (height - bottom - 8) * (1 - rate);
  const ratePoints = buckets.map((b, i) => (b.timeoutRate === null ? null : `${x(i)},${yRate(Math.min(1, b.timeoutRate))}`)).filter(Boolean).join(" ");
  const every = Math.max(1, Math.ceil(buckets.length / 12));
  return (
    <svg className="chart" role="img" aria-label={words.overTimeLabel} width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-testid="chart-over-time">
      <line x1={left} y1={height - bottom} x2={width - 10} y2={height - bottom} stroke="#d8dde6" />
      <text x={0} y={yRate(1) + 4} fontSize={10} fill="#5b6478">
        {words.full}
      </text>
      <text x={0} y={yRate(0)} fontSize={10} fill="#5b6478">
        {words.zero}
      </text>
      {buckets.map((b, i) => (
        <g key={b.start.toISOString()}>
          <rect x={x(i) - barWidth / 2} y={height - bottom - ((height - bottom - 8) * b.lateResults) / maxLate} width={barWidth} height={((height - bottom - 8) * b.lateResults) / maxLate} fill="#f0c36d">
            <title>{b.title}</title>
          </rect>
          {i % every === 0 && (
            <text x={x(i)} y={height - 8} fontSize={10} textAnchor="middle" fill="#5b6478">
              {b.label}
            </text>
          )}
        </g>
      ))}
      <polyline points={ratePoints} fill="none" stroke="#b3261e" strokeWidth={2} />
      {buckets.map((b, i) => (b.timeoutRate === null ? null : <circle key={`p${i}`} cx={x(i)} cy={yRate(Math.min(1, b.timeoutRate))} r={2.5} fill="#b3261e" />))}
    </svg>
  );
}
