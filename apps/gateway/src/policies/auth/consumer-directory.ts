import type { Consumer, JwtAlgorithm } from "@switchyard/config";
import { jwtKeyField, prepareCredentialKeys, type PreparedKey } from "@switchyard/routing";

export interface CompiledConsumer {
  readonly index: number;
  readonly username: string;
  readonly customId: string | null;
  readonly groups: ReadonlySet<string>;
  /** X-Consumer-Groups value, joined once. */
  readonly groupsHeader: string;
}

export interface KeyCredential { readonly consumer: CompiledConsumer; readonly id: string }
export interface BasicCredential { readonly consumer: CompiledConsumer; readonly id: string; readonly passwordHash: string }

/** A JWT issuer (credential): keys prepared per algorithm, or filled in from its JWKS URL. */
export interface JwtIssuer {
  readonly consumer: CompiledConsumer;
  readonly id: string;
  readonly key: string;
  readonly algorithms: ReadonlySet<JwtAlgorithm>;
  readonly algorithmList: readonly JwtAlgorithm[];
  /** Secret/PEM credentials: by algorithm. */
  readonly keys: ReadonlyMap<string, PreparedKey>;
  readonly jwksUrl: string | null;
  /** JWKS credentials: by kid, replaced whenever the main thread sends a fresh document. */
  jwks: ReadonlyMap<string, PreparedKey[]> | null;
}

/** Consumers and their credentials, indexed for lookups by key hash, username and JWT key claim. */
export interface ConsumerDirectory {
  readonly consumers: readonly CompiledConsumer[];
  readonly byName: ReadonlyMap<string, CompiledConsumer>;
  readonly keys: ReadonlyMap<string, KeyCredential>;
  readonly basic: ReadonlyMap<string, BasicCredential>;
  readonly jwt: ReadonlyMap<string, JwtIssuer>;
  readonly jwksIssuers: readonly JwtIssuer[];
}

export class DirectoryError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

export function buildConsumerDirectory(consumers: readonly Consumer[]): ConsumerDirectory {
  const list: CompiledConsumer[] = [];
  const byName = new Map<string, CompiledConsumer>();
  const keys = new Map<string, KeyCredential>();
  const basic = new Map<string, BasicCredential>();
  const jwt = new Map<string, JwtIssuer>();
  const jwksIssuers: JwtIssuer[] = [];
  consumers.forEach((c, i) => {
    const consumer: CompiledConsumer = Object.freeze({
      index: i,
      username: c.username,
      customId: c.custom_id ?? null,
      groups: new Set(c.groups),
      groupsHeader: c.groups.join(", "),
    });
    list.push(consumer);
    byName.set(c.username, consumer);
    c.credentials.key_auth.forEach((k, j) => {
      keys.set(k.key_hash, { consumer, id: k.id ?? `${c.username}-key-${j + 1}` });
    });
    c.credentials.basic_auth.forEach((b) => {
      basic.set(b.username, { consumer, id: b.id ?? b.username, passwordHash: b.password_hash });
    });
    c.credentials.jwt.forEach((cred, j) => {
      const prepared = prepareCredentialKeys(cred);
      if (typeof prepared === "string") throw new DirectoryError(`consumers.${i}.credentials.jwt.${j}.${jwtKeyField(cred)}`, prepared);
      const issuer: JwtIssuer = {
        consumer,
        id: cred.id ?? cred.key,
        key: cred.key,
        algorithms: new Set(cred.algorithms),
        algorithmList: cred.algorithms,
        keys: prepared,
        jwksUrl: cred.jwks_url ?? null,
        jwks: null,
      };
      jwt.set(cred.key, issuer);
      if (issuer.jwksUrl !== null) jwksIssuers.push(issuer);
    });
  });
  return { consumers: list, byName, keys, basic, jwt, jwksIssuers };
}
