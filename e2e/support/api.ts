// A minimal tRPC-over-HTTP client for black-box checks (plain fetch; no server code imported).
export class ControlPlaneApi {
  private cookie = "";
  private readonly baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async login(username: string, password: string) {
    const res = await fetch(`${this.baseUrl}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    this.cookie = (res.headers.getSetCookie()[0] ?? "").split(";")[0]!;
  }

  async query<T>(procedure: string, input?: unknown): Promise<T> {
    const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await fetch(`${this.baseUrl}/trpc/${procedure}${qs}`, { headers: { cookie: this.cookie } });
    const body = (await res.json()) as { result?: { data: T }; error?: unknown };
    if (!res.ok || !body.result) throw new Error(`${procedure} failed: ${res.status} ${JSON.stringify(body.error)}`);
    return body.result.data;
  }

  async mutate<T>(procedure: string, input?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/trpc/${procedure}`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: this.cookie },
      body: JSON.stringify(input ?? null),
    });
    const body = (await res.json()) as { result?: { data: T }; error?: unknown };
    if (!res.ok || !body.result) throw new Error(`${procedure} failed: ${res.status} ${JSON.stringify(body.error)}`);
    return body.result.data;
  }
}
