/**
 * Redis URLs for the sweep job queue: `redis://[user][:password@]host[:port][/db]` and `rediss://…`
 * (TLS) into the connection options ioredis (under BullMQ) takes, and back into a form fit for logs with
 * the password masked. The password never appears in a message, an error included.
 * @module
 */
import { InputError } from '@proxsense/core';

/** Redis's registered port (IANA service name `redis`). */
export const REDIS_DEFAULT_PORT = 6379;

/** What a Redis URL names. */
export interface RedisTarget {
  /** `rediss:` connects with TLS. */
  tls: boolean;
  host: string;
  port: number;
  /** Logical database (`SELECT n`), 0 when the URL has no path. */
  db: number;
  /** Redis 6 ACL user, when the URL names one. */
  username?: string;
  password?: string;
}

/**
 * Connection options for ioredis as BullMQ passes them on. Structurally a subset of ioredis's
 * `RedisOptions`, declared here so this package needs no direct ioredis import.
 */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** Options for `tls.connect`; present for `rediss:`. The server name is checked against the certificate. */
  tls?: { servername: string };
  /**
   * `null`: commands wait through reconnects instead of failing after 20 tries. BullMQ requires it for
   * workers (their blocking commands would otherwise throw while Redis restarts).
   */
  maxRetriesPerRequest: null;
}

const EXPECTED = 'redis://[:password@]host[:port][/db] or rediss://… (TLS)';

/** Parses a Redis URL; throws {@link InputError} (naming the URL with its password masked) when it is not one. */
export function parseRedisUrl(url: string): RedisTarget {
  const bad = (why: string): InputError =>
    new InputError(
      '--queue',
      `${EXPECTED}${why ? ` (${why})` : ''}`,
      JSON.stringify(maskRedisUrl(url)),
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL constructor's error carries the input (and so the password): never rethrow it.
    throw bad('');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw bad(`scheme must be redis: or rediss:`);
  // Hostnames come back as written; IPv6 literals keep their brackets in URL.hostname, ioredis wants them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw bad('no host');
  const port = parsed.port === '' ? REDIS_DEFAULT_PORT : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw bad('port must be 1–65535');
  const path = parsed.pathname;
  if (path !== '' && path !== '/' && !/^\/\d{1,9}$/.test(path))
    throw bad('the path must be a database number such as /0');
  if (parsed.search !== '' || parsed.hash !== '') throw bad('no query or fragment');
  const db = path.length > 1 ? Number(path.slice(1)) : 0;
  const target: RedisTarget = { tls: parsed.protocol === 'rediss:', host, port, db };
  try {
    if (parsed.username !== '') target.username = decodeURIComponent(parsed.username);
    if (parsed.password !== '') target.password = decodeURIComponent(parsed.password);
  } catch {
    throw bad('bad percent-encoding in the user or password');
  }
  return target;
}

/** ioredis / BullMQ connection options for a parsed URL. */
export function redisConnectionOptions(target: RedisTarget): RedisConnectionOptions {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    ...(target.tls ? { tls: { servername: target.host } } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The URL of a target with the password shown as `***`: `redis://:***@host:6379/0`. */
export function redisTargetLabel(target: RedisTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const auth =
    target.password !== undefined
      ? `${encodeURIComponent(target.username ?? '')}:***@`
      : target.username !== undefined
        ? `${encodeURIComponent(target.username)}@`
        : '';
  return `${target.tls ? 'rediss' : 'redis'}://${auth}${host}:${target.port}/${target.db}`;
}

/**
 * Any string, valid URL or not, with everything between the scheme and the last `@` masked except a user
 * name: safe to print even when parsing failed (a password may hold `/`, `?` or `#` unencoded).
 */
export function maskRedisUrl(url: string): string {
  const at = url.lastIndexOf('@');
  if (at < 0) return url;
  const start = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0].length ?? 0;
  if (at < start) return url;
  const auth = url.slice(start, at);
  const colon = auth.indexOf(':');
  return `${url.slice(0, start)}${colon < 0 ? '***' : `${auth.slice(0, colon)}:***`}${url.slice(at)}`;
}
