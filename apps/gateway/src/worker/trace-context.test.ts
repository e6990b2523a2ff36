import { describe, expect, it } from "vitest";
import { newSpanId, newTraceId, startTrace, traceparent } from "./trace-context.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";

describe("W3C trace context", () => {
  it("keeps the trace id, parent id, sampled flag and tracestate of a valid traceparent", () => {
    const t = startTrace({ traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7" }, 0);
    expect(t).toMatchObject({ traceId: TRACE, parentId: PARENT, sampled: true, state: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7" });
    // Parent-based: an unsampled caller stays unsampled whatever the ratio.
    expect(startTrace({ traceparent: `00-${TRACE}-${PARENT}-00` }, 1).sampled).toBe(false);
    // Only the sampled bit counts: 0x03 is sampled, 0x02 is not.
    expect(startTrace({ traceparent: `00-${TRACE}-${PARENT}-03` }, 0).sampled).toBe(true);
    expect(startTrace({ traceparent: `00-${TRACE}-${PARENT}-02` }, 1).sampled).toBe(false);
    expect(startTrace({ traceparent: `00-${TRACE}-${PARENT}-0b` }, 0).sampled).toBe(true);
  });

  it("accepts a future version with extra fields, parsing the version 00 part", () => {
    const t = startTrace({ traceparent: `cc-${TRACE}-${PARENT}-01-what-the-future-holds` }, 0);
    expect(t).toMatchObject({ traceId: TRACE, parentId: PARENT, sampled: true });
  });

  it.each([
    ["all-zero trace id", `00-${"0".repeat(32)}-${PARENT}-01`],
    ["all-zero parent id", `00-${TRACE}-${"0".repeat(16)}-01`],
    ["upper-case hex", `00-${TRACE.toUpperCase()}-${PARENT}-01`],
    ["version ff", `ff-${TRACE}-${PARENT}-01`],
    ["version 00 with trailing data", `00-${TRACE}-${PARENT}-01-extra`],
    ["short trace id", `00-${TRACE.slice(1)}-${PARENT}-01`],
    ["missing flags", `00-${TRACE}-${PARENT}`],
    ["future version without a dash after the flags", `01-${TRACE}-${PARENT}-01x`],
    ["two headers joined", `00-${TRACE}-${PARENT}-01, 00-${TRACE}-${PARENT}-01`],
  ])("starts a new trace and drops tracestate on an invalid traceparent (%s)", (_what, header) => {
    const t = startTrace({ traceparent: header, tracestate: "rojo=1" }, 1);
    expect(t.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(t.traceId).not.toBe(TRACE);
    expect(t).toMatchObject({ parentId: "", sampled: true, state: undefined });
  });

  it("samples new traces by the ratio", () => {
    expect(startTrace({}, 1).sampled).toBe(true);
    expect(startTrace({}, 0).sampled).toBe(false);
    let sampled = 0;
    for (let i = 0; i < 4000; i++) if (startTrace({}, 0.25).sampled) sampled++;
    expect(sampled).toBeGreaterThan(800);
    expect(sampled).toBeLessThan(1200);
  });

  it("makes distinct lowercase hex ids, across refills of the random pool", () => {
    const spans = new Set<string>();
    for (let i = 0; i < 2000; i++) spans.add(newSpanId());
    expect(spans.size).toBe(2000);
    for (const id of spans) expect(id).toMatch(/^[0-9a-f]{16}$/);
    const traces = new Set<string>();
    for (let i = 0; i < 600; i++) traces.add(newTraceId());
    expect(traces.size).toBe(600);
  });

  it("formats the traceparent sent upstream with the gateway's span as parent", () => {
    const t = startTrace({ traceparent: `00-${TRACE}-${PARENT}-01` }, 0);
    expect(traceparent(t, "b7ad6b7169203331")).toBe(`00-${TRACE}-b7ad6b7169203331-01`);
    const u = startTrace({ traceparent: `00-${TRACE}-${PARENT}-00` }, 0);
    expect(traceparent(u, "b7ad6b7169203331")).toBe(`00-${TRACE}-b7ad6b7169203331-00`);
  });
});
