// Preloaded (node --import) into the gateway by alloc.ts. In each proxy worker thread it waits for
// the control file to say "start <n>", then measures until "stop <n>": bytes allocated on the V8
// heap (from v8.GCProfiler's before/after figures, so exact rather than sampled), young- and
// old-generation collections and their pauses, the thread's own CPU time and the longest event-loop
// stall. With ALLOC_SAMPLE set it also records a sampling heap profile of the window (allocation
// sites), written next to the results. The main thread is left alone.
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { monitorEventLoopDelay, PerformanceObserver, performance, type EventLoopUtilization } from "node:perf_hooks";
import v8 from "node:v8";
import { isMainThread, threadId } from "node:worker_threads";

const ctl = process.env.ALLOC_CTL;
const out = process.env.ALLOC_OUT;
const sampleInterval = Number(process.env.ALLOC_SAMPLE ?? 0);

interface GcStat { gcType: string; cost: number; beforeGC: { heapStatistics: { usedHeapSize: number } }; afterGC: { heapStatistics: { usedHeapSize: number } } }

if (!isMainThread && ctl && out) {
  let seen = "";
  let window: {
    id: string; profiler: v8.GCProfiler; usedAtStart: number; cpu: NodeJS.CpuUsage; elu: EventLoopUtilization;
    delay: ReturnType<typeof monitorEventLoopDelay>; pauses: number[]; observer: PerformanceObserver; session: Session | null;
  } | null = null;

  const begin = (id: string) => {
    const pauses: number[] = [];
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) pauses.push(e.duration); });
    observer.observe({ entryTypes: ["gc"] });
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    let session: Session | null = null;
    if (sampleInterval > 0) {
      session = new Session();
      session.connect();
      session.post("HeapProfiler.startSampling", { samplingInterval: sampleInterval, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    }
    const profiler = new v8.GCProfiler();
    profiler.start();
    window = { id, profiler, usedAtStart: v8.getHeapStatistics().used_heap_size, cpu: process.threadCpuUsage(), elu: performance.eventLoopUtilization(), delay, pauses, observer, session };
  };

  const end = () => {
    const w = window!;
    window = null;
    const cpu = process.threadCpuUsage(w.cpu);
    const elu = performance.eventLoopUtilization(w.elu);
    const usedNow = v8.getHeapStatistics().used_heap_size;
    const stats = (w.profiler.stop()?.statistics ?? []) as GcStat[];
    w.delay.disable();
    let allocated = 0, prev = w.usedAtStart, minor = 0, major = 0;
    for (const s of stats) {
      allocated += s.beforeGC.heapStatistics.usedHeapSize - prev;
      prev = s.afterGC.heapStatistics.usedHeapSize;
      if (/scavenge|minor/i.test(s.gcType)) minor++; else major++;
    }
    allocated += usedNow - prev;
    const result = {
      thread: threadId, allocatedBytes: allocated, minorGcs: minor, majorGcs: major,
      cpuUs: cpu.user + cpu.system, userUs: cpu.user, elu: elu.utilization,
      loopDelayMaxMs: w.delay.max / 1e6, loopDelayP99Ms: w.delay.percentile(99) / 1e6,
      gcPauseTotalMs: 0, gcPauseMaxMs: 0,
    };
    const write = () => {
      w.observer.disconnect();
      result.gcPauseTotalMs = w.pauses.reduce((a, b) => a + b, 0);
      result.gcPauseMaxMs = Math.max(0, ...w.pauses);
      writeFileSync(`${out}.${threadId}.${w.id}.json`, JSON.stringify(result));
    };
    if (w.session === null) { setTimeout(write, 50); return; }
    w.session.post("HeapProfiler.stopSampling", (err, res) => {
      if (!err) writeFileSync(`${out}.${threadId}.${w.id}.heapprofile`, JSON.stringify(res.profile));
      w.session!.disconnect();
      setTimeout(write, 50);
    });
  };

  setInterval(() => {
    let text = "";
    try { text = readFileSync(ctl, "utf8").trim(); } catch { return; }
    if (text === seen) return;
    seen = text;
    const [cmd, id] = text.split(" ");
    if (cmd === "start" && window === null) begin(id!);
    else if (cmd === "stop" && window !== null && window.id === id) end();
  }, 20).unref();
}
