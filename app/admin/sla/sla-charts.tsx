// Inline SVG charts: no chart library, readable without JavaScript.
import type { SlaBucket, SlaPerTaskType } from "@/lib/admin/sla-report";
import { seconds } from "@/app/admin/format";

const width = 720;

export function PercentileChart({ rows }: { rows: SlaPerTaskType[] }) {
  const measured = rows.filter((r) => r.p95Seconds !== null || r.p50Seconds !== null);
  if (measured.length === 0) return <p className="muted">No task got a result in this range.</p>;
  const max = Math.max(...measured.map((r) => r.p95Seconds ?? r.p50Seconds ?? 0), 1);
  const rowHeight = 34;
  const labelWidth = 180;
  const scale = (v: number) => ((width - labelWidth - 90) * v) / max;
  return (
    <svg className="chart" role="img" aria-label="Time to result, p50 and p95 per task type" width={width} height={measured.length * rowHeight + 30} viewBox={`0 0 ${width} ${measured.length * rowHeight + 30}`} data-testid="chart-percentiles">
      {measured.map((r, i) => {
        const y = 10 + i * rowHeight;
        return (
          <g key={r.taskType}>
            <text x={0} y={y + 16} fontSize={12}>
              {r.taskType}
            </text>
            <rect x={labelWidth} y={y} width={scale(r.p95Seconds ?? 0)} height={12} fill="#9bb8e8">
              <title>{`p95 ${seconds(r.p95Seconds)}`}</title>
            </rect>
            <rect x={labelWidth} y={y + 14} width={scale(r.p50Seconds ?? 0)} height={12} fill="#1f5fbf">
              <title>{`p50 ${seconds(r.p50Seconds)}`}</title>
            </rect>
            <text x={labelWidth + scale(r.p95Seconds ?? 0) + 6} y={y + 10} fontSize={11} fill="#5b6478">
              p95 {seconds(r.p95Seconds)}
            </text>
            <text x={labelWidth + scale(r.p50Seconds ?? 0) + 6} y={y + 24} fontSize={11} fill="#1d2433">
              p50 {seconds(r.p50Seconds)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function OverTimeChart({ buckets, bucket }: { buckets: SlaBucket[]; bucket: "hour" | "day" }) {
  if (buckets.length === 0) return <p className="muted">No task was dispatched, timed out or got a late result in this range.</p>;
  const height = 180;
  const left = 40;
  const bottom = 24;
  const plotWidth = width - left - 10;
  const barWidth = Math.max(2, Math.min(28, plotWidth / buckets.length - 2));
  const maxLate = Math.max(...buckets.map((b) => b.lateResults), 1);
  const x = (i: number) => left + (plotWidth * (i + 0.5)) / buckets.length;
  const yRate = (rate: number) => 8 + (height - bottom - 8) * (1 - rate);
  const ratePoints = buckets.map((b, i) => (b.timeoutRate === null ? null : `${x(i)},${yRate(Math.min(1, b.timeoutRate))}`)).filter(Boolean).join(" ");
  const label = (d: Date) => (bucket === "hour" ? d.toISOString().slice(11, 16) : d.toISOString().slice(5, 10));
  const every = Math.max(1, Math.ceil(buckets.length / 12));
  return (
    <svg className="chart" role="img" aria-label="Timeout rate (line) and late results (bars) over time" width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-testid="chart-over-time">
      <line x1={left} y1={height - bottom} x2={width - 10} y2={height - bottom} stroke="#d8dde6" />
      <text x={0} y={yRate(1) + 4} fontSize={10} fill="#5b6478">
        100%
      </text>
      <text x={0} y={yRate(0)} fontSize={10} fill="#5b6478">
        0%
      </text>
      {buckets.map((b, i) => (
        <g key={b.start.toISOString()}>
          <rect x={x(i) - barWidth / 2} y={height - bottom - ((height - bottom - 8) * b.lateResults) / maxLate} width={barWidth} height={((height - bottom - 8) * b.lateResults) / maxLate} fill="#f0c36d">
            <title>{`${b.start.toISOString()}: ${b.lateResults} late results, ${b.timedOut}/${b.dispatched} timed out`}</title>
          </rect>
          {i % every === 0 && (
            <text x={x(i)} y={height - 8} fontSize={10} textAnchor="middle" fill="#5b6478">
              {label(b.start)}
            </text>
          )}
        </g>
      ))}
      <polyline points={ratePoints} fill="none" stroke="#b3261e" strokeWidth={2} />
      {buckets.map((b, i) => (b.timeoutRate === null ? null : <circle key={`p${i}`} cx={x(i)} cy={yRate(Math.min(1, b.timeoutRate))} r={2.5} fill="#b3261e" />))}
    </svg>
  );
}
