/** A host as it goes in a URL or an authority: IPv6 literals in brackets. */
export function formatHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** The plain-HTTP origin of a target, the key the gateway keeps its pools and health state under. */
export function targetOrigin(host: string, port: number): string {
  return `http://${formatHost(host)}:${port}`;
}
