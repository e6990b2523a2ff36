/** Sends `count` GETs (bounded concurrency) and tallies the demo upstreams' x-demo-version. */
export async function versionSplit(url: string, count: number, concurrency = 16): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      const res = await fetch(url);
      await res.arrayBuffer();
      const key = res.ok ? res.headers.get("x-demo-version") ?? "none" : `status-${res.status}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return tally;
}
