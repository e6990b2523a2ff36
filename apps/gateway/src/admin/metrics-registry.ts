import { formatValue, header, labelText } from "./prometheus-text.ts";

/** A counter other parts of the gateway register (retries, ejections, rate-limited, …). */
export interface RegisteredCounter {
  /** Adds `by` (default 1) to the series with these label values, in the order of labelNames. */
  inc(labelValues?: readonly string[], by?: number): void;
}

/** A gauge other parts register (target health, …). */
export interface RegisteredGauge {
  set(labelValues: readonly string[], value: number): void;
  /** Forgets every series, e.g. before re-setting them for a new config. */
  reset(): void;
}

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge";
  labelNames: readonly string[];
  series: Map<string, { labels: string; value: number }>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Extra metric families on the admin /metrics page. Register once (at start), then update in the
 * main thread; a worker sends its increments to the main thread like its request counts.
 */
export class MetricsRegistry {
  private readonly families = new Map<string, Family>();

  private family(name: string, help: string, type: "counter" | "gauge", labelNames: readonly string[]): Family {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    for (const l of labelNames) if (!LABEL.test(l)) throw new Error(`invalid label name ${l} on ${name}`);
    if (type === "counter" && !name.endsWith("_total")) throw new Error(`counter ${name} must end in _total`);
    const existing = this.families.get(name);
    if (existing) {
      if (existing.type !== type || existing.labelNames.join() !== labelNames.join()) throw new Error(`metric ${name} is already registered differently`);
      return existing;
    }
    const family: Family = { name, help, type, labelNames: [...labelNames], series: new Map() };
    this.families.set(name, family);
    return family;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): RegisteredCounter {
    const family = this.family(name, help, "counter", labelNames);
    return {
      inc(labelValues = [], by = 1) {
        if (!(by >= 0)) return;
        const key = labelValues.join("\u0000");
        let s = family.series.get(key);
        if (!s) {
          s = { labels: labelText(family.labelNames, labelValues), value: 0 };
          family.series.set(key, s);
        }
        s.value += by;
      },
    };
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): RegisteredGauge {
    const family = this.family(name, help, "gauge", labelNames);
    return {
      set(labelValues, value) {
        const key = labelValues.join("\u0000");
        let s = family.series.get(key);
        if (!s) {
          s = { labels: labelText(family.labelNames, labelValues), value: 0 };
          family.series.set(key, s);
        }
        s.value = value;
      },
      reset() {
        family.series.clear();
      },
    };
  }

  render(lines: string[]): void {
    for (const f of this.families.values()) {
      header(lines, f.name, f.type, f.help);
      for (const s of f.series.values()) lines.push(s.labels === "" ? `${f.name} ${formatValue(s.value)}` : `${f.name}{${s.labels}} ${formatValue(s.value)}`);
    }
  }
}
