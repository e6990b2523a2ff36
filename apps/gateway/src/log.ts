export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  (level: LogLevel, message: string): void;
}

/** Plain one-line logs on stderr: "2026-01-01T00:00:00.000Z INFO gateway: message". */
export function consoleLogger(minLevel: LogLevel = "info"): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  return (level, message) => {
    if (order[level] < order[minLevel]) return;
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} gateway: ${message}\n`);
  };
}

export const silentLogger: Logger = () => {};
