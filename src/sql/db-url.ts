import { resolve } from 'node:path';

/** The SQL databases fnode speaks to. */
export type DialectKind = 'sqlite' | 'postgres' | 'mysql';

/** Where the datastore lives, parsed from one of Fn's `FN_DB_URL` forms. */
export type DbTarget =
  | { kind: 'sqlite' /** An absolute path, or `:memory:`. */; file: string }
  | { kind: 'postgres'; connectionString: string }
  | {
      kind: 'mysql';
      host?: string;
      port?: number;
      socketPath?: string;
      user?: string;
      password?: string;
      database: string;
    };

/**
 * Parses `FN_DB_URL`:
 * - `sqlite3:///abs/path/fn.db`, `sqlite:///abs/path` (a relative `sqlite3://data/fn.db` is taken
 *   from the working directory), `sqlite3://:memory:`;
 * - `postgres://user:pass@host:port/db?sslmode=disable`, also `postgresql://` and `pgx://`;
 * - `mysql://user:pass@tcp(host:port)/db?parseTime=true` (the Go DSN Fn uses),
 *   `mysql://user:pass@unix(/run/mysqld.sock)/db` and `mysql://user:pass@host:port/db`.
 * Throws an Error naming the problem for anything else.
 */
export function parseDbUrl(url: string): DbTarget {
  const m = /^([a-z0-9+]+):\/\/(.*)$/i.exec(url.trim());
  if (!m) throw new Error(`invalid database url "${url}": expected <scheme>://...`);
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  switch (scheme) {
    case 'sqlite3':
    case 'sqlite':
      return parseSqlite(rest, url);
    case 'postgres':
    case 'postgresql':
    case 'pgx':
      return { kind: 'postgres', connectionString: `postgres://${rest}` };
    case 'mysql':
      return parseMysql(rest, url);
    default:
      throw new Error(`unsupported database url scheme "${scheme}" (sqlite3, postgres, pgx or mysql)`);
  }
}

function parseSqlite(rest: string, url: string): DbTarget {
  const path = rest.replace(/\?.*$/, '');
  if (path === ':memory:' || path === '/:memory:') return { kind: 'sqlite', file: ':memory:' };
  if (path === '' || path === '/') throw new Error(`invalid database url "${url}": missing file path`);
  return { kind: 'sqlite', file: resolve(decodeOr(path)) };
}

function parseMysql(rest: string, url: string): DbTarget {
  const noQuery = rest.replace(/\?.*$/, '');
  const at = noQuery.lastIndexOf('@', firstSlashAfterAddress(noQuery));
  const userinfo = at >= 0 ? noQuery.slice(0, at) : undefined;
  const location = at >= 0 ? noQuery.slice(at + 1) : noQuery;
  const dsn = /^(tcp|unix)\((.*)\)\/([^/]*)$/.exec(location);
  const plain = /^([^/]*)\/([^/]*)$/.exec(location);
  if (!dsn && !plain)
    throw new Error(`invalid database url "${url}": expected mysql://user:pass@tcp(host:port)/db`);
  const target: DbTarget = { kind: 'mysql', database: decodeOr(dsn ? dsn[3]! : plain![2]!) };
  if (!target.database) throw new Error(`invalid database url "${url}": missing database name`);
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    target.user = decodeOr(colon >= 0 ? userinfo.slice(0, colon) : userinfo);
    if (colon >= 0) target.password = decodeOr(userinfo.slice(colon + 1));
  }
  if (dsn?.[1] === 'unix') {
    target.socketPath = dsn[2]!;
    return target;
  }
  const address = dsn ? dsn[2]! : plain![1]!;
  const hp = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(address);
  if (!hp) throw new Error(`invalid database url "${url}": bad address "${address}"`);
  target.host = hp[1]!.replace(/^\[|\]$/g, '') || '127.0.0.1';
  target.port = hp[2] ? Number(hp[2]) : 3306;
  return target;
}

/** The `/` that ends the address: after `tcp(...)` / `unix(...)`, else the last one. */
function firstSlashAfterAddress(s: string): number {
  const paren = s.lastIndexOf(')');
  if (paren >= 0) return paren;
  const slash = s.lastIndexOf('/');
  return slash >= 0 ? slash : s.length;
}

function decodeOr(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
