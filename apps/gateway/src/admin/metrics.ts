import type { StatRow } from "../messages.ts";

interface Counter {
  labels: string;
  value: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** Request counters merged from all workers, plus the gauges the supervisor knows. */
export class GatewayMetrics {
  private readonly requests = new Map<string, Counter>();
  configVersion = 0;
  controlPlaneConnected = false;
  workers = 0;

  addRows(rows: StatRow[]): void {
    for (const [route, service, subset, code, flag, count] of rows) {
      const key = `${route}\u0000${service}\u0000${subset}\u0000${code}\u0000${flag}`;
      let counter = this.requests.get(key);
      if (!counter) {
        counter = {
          labels: `route="${escapeLabel(route)}",service="${escapeLabel(service)}",subset="${escapeLabel(subset)}",code="${code}",flag="${escapeLabel(flag)}"`,
          value: 0,
        };
        this.requests.set(key, counter);
      }
      counter.value += count;
    }
  }

  /** Sum of all request counters. */
  total(): number {
    let sum = 0;
    for (const c of this.requests.values()) sum += c.value;
    return sum;
  }

  render(): string {
    const lines: string[] = [
      "# HELP switchyard_http_requests_total HTTP requests handled by the proxy, by route, destination, status code and response flag.",
      "# TYPE switchyard_http_requests_total counter",
    ];
    for (const c of this.requests.values()) lines.push(`switchyard_http_requests_total{${c.labels}} ${c.value}`);
    lines.push(
      "# HELP switchyard_config_version Version of the config this gateway is serving (0: none).",
      "# TYPE switchyard_config_version gauge",
      `switchyard_config_version ${this.configVersion}`,
      "# HELP switchyard_control_plane_connected Whether the gateway is connected to its control plane (1) or not (0).",
      "# TYPE switchyard_control_plane_connected gauge",
      `switchyard_control_plane_connected ${this.controlPlaneConnected ? 1 : 0}`,
      "# HELP switchyard_workers Proxy worker threads currently serving.",
      "# TYPE switchyard_workers gauge",
      `switchyard_workers ${this.workers}`,
    );
    return lines.join("\n") + "\n";
  }
}
