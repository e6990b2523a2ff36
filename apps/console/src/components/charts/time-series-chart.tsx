"use client";

import { Area, AreaChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, Legend } from "recharts";
import { formatTime } from "./chart-data.ts";

export interface SeriesSpec {
  key: string;
  label: string;
  color: string;
}

/**
 * A time chart in the console's look: no animation (it updates every second), muted grid and
 * axes, a tooltip on the card background. `stacked` draws areas stacked on each other.
 */
export function TimeSeriesChart({
  data,
  series,
  unit,
  stacked = false,
  withDate = false,
  height = 220,
  testId,
}: {
  data: Record<string, number | null>[];
  series: SeriesSpec[];
  unit?: string;
  stacked?: boolean;
  withDate?: boolean;
  height?: number;
  testId?: string;
}) {
  const axis = { stroke: "var(--muted-foreground)", fontSize: 11, tickLine: false, axisLine: false } as const;
  const common = (
    <>
      <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(t: number) => formatTime(t, withDate)} minTickGap={48} {...axis} />
      <YAxis width={56} tickFormatter={(v: number) => `${Number(v.toPrecision(3))}${(unit ?? "").trim()}`} allowDecimals {...axis} />
      <Tooltip
        isAnimationActive={false}
        labelFormatter={(t) => formatTime(Number(t), withDate)}
        formatter={(v) => (v === null || v === undefined ? "–" : `${Number(Number(v).toPrecision(4))}${unit ?? ""}`)}
        contentStyle={{ background: "var(--card)", border: "1px solid var(--border)", borderRadius: 8, fontSize: 12, color: "var(--card-foreground)" }}
      />
      {series.length > 1 && <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />}
    </>
  );
  return (
    <div style={{ height }} data-testid={testId} className="w-full">
      <ResponsiveContainer width="100%" height="100%">
        {stacked ? (
          <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            {common}
            {series.map((s) => (
              <Area key={s.key} dataKey={s.key} name={s.label} stackId="1" type="linear" stroke={s.color} fill={s.color} fillOpacity={0.25} isAnimationActive={false} dot={false} />
            ))}
          </AreaChart>
        ) : (
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            {common}
            {series.map((s) => (
              <Line key={s.key} dataKey={s.key} name={s.label} type="linear" stroke={s.color} strokeWidth={2} isAnimationActive={false} dot={false} connectNulls />
            ))}
          </LineChart>
        )}
      </ResponsiveContainer>
    </div>
  );
}
