import http from "node:http";

/**
 * Sends `count` GETs over keep-alive connections (bounded concurrency) and tallies the demo
 * upstreams' x-demo-version (or `status-N` for other answers). node:http rather than fetch so a
 * test can set Host, as mesh callers do.
 */
export async function versionSplit(url: string, count: number, concurrency = 16, headers: Record<string, string> = {}): Promise<Record<string, number>> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const tally: Record<string, number> = {};
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.get({ host: target.hostname, port: target.port, path: target.pathname + target.search, headers, agent }, (res) => {
        res.resume();
        res.on("end", () => {
          const key = res.statusCode === 200 ? String(res.headers["x-demo-version"] ?? "none") : `status-${res.statusCode}`;
          tally[key] = (tally[key] ?? 0) + 1;
          resolve();
        });
      });
      req.on("error", reject);
    });
  const worker = async () => {
    while (sent < count) {
      sent++;
      await one();
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return tally;
}
