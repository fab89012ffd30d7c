import type { ProfileDraft } from '../../shared/profile';
import { AppError } from '../errors';
import { mapLibpqParams, withLibpqDefaults } from '../postgres/libpq-params';

/**
 * Parses what a DBA pastes: a libpq URI (postgresql://user:pw@host:5432/db?sslmode=require)
 * or a libpq key=value string (host=db1 port=5432 dbname=app user=monitor). Rules follow
 * libpq's conninfo parser; what a profile cannot express is refused, never dropped silently.
 */
export function parseConnectionString(text: string): ProfileDraft {
  const trimmed = text.trim();
  if (trimmed === '')
    fail('Paste a postgresql:// URI or key=value pairs such as host=db1 dbname=app user=monitor.');
  if (/^jdbc:/i.test(trimmed)) {
    fail(
      'That is a JDBC URL. Remove "jdbc:" and check its parameters: libpq spells them differently (sslmode=…).',
    );
  }
  const pairs = /^postgres(ql)?:\/\//i.test(trimmed)
    ? parseUri(trimmed)
    : trimmed.includes('=')
      ? parseKeywordValue(trimmed)
      : fail(
          'This is neither a postgresql:// URI nor key=value pairs. Example: postgresql://monitor@db1:5432/app or host=db1 dbname=app user=monitor.',
        );
  const { input, problems } = mapLibpqParams(pairs);
  if (problems.length > 0) fail(problems.join(' '));
  return withLibpqDefaults(input);
}

function fail(message: string): never {
  throw new AppError('invalid_input', message, { uri: message });
}

function decode(part: string, what: string): string {
  if (/%00/.test(part)) fail(`The ${what} in the URI contains %00, which is not allowed.`);
  try {
    return decodeURIComponent(part);
  } catch {
    return fail(
      `The ${what} in the URI has a broken percent-encoding ("${part}"): use %XX with two hex digits.`,
    );
  }
}

/** postgresql://[user[:password]@][host][:port][/dbname][?key=value&…] */
function parseUri(uri: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let rest = uri.slice(uri.indexOf('://') + 3);

  const queryAt = rest.indexOf('?');
  const query = queryAt >= 0 ? rest.slice(queryAt + 1) : '';
  if (queryAt >= 0) rest = rest.slice(0, queryAt);

  // As libpq: credentials end at an '@' that comes before the first '/'.
  const slash = rest.indexOf('/');
  const at = rest.lastIndexOf('@', slash >= 0 ? slash : rest.length);
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    if (user !== '') pairs.push(['user', decode(user, 'user name')]);
    if (colon >= 0) pairs.push(['password', decode(userinfo.slice(colon + 1), 'password')]);
  }

  const pathAt = rest.indexOf('/');
  const hostport = pathAt >= 0 ? rest.slice(0, pathAt) : rest;
  const path = pathAt >= 0 ? rest.slice(pathAt + 1) : '';

  let host: string;
  let portPart = '';
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) fail('The IPv6 address in the URI is missing its closing "]".');
    host = hostport.slice(1, close);
    const after = hostport.slice(close + 1);
    if (after.startsWith(':')) portPart = after.slice(1);
    else if (after.startsWith(','))
      portPart = after; // caught below as several hosts
    else if (after !== '') fail(`Unexpected "${after}" after the IPv6 address in the URI.`);
  } else {
    const colon = hostport.lastIndexOf(':');
    host = colon >= 0 ? hostport.slice(0, colon) : hostport;
    portPart = colon >= 0 ? hostport.slice(colon + 1) : '';
  }
  if (hostport.includes(',')) {
    fail(
      `Several hosts ("${hostport}") are not supported: a profile connects to one server. Make one profile per host.`,
    );
  }
  if (host !== '') pairs.push(['host', decode(host, 'host')]);
  if (portPart !== '') pairs.push(['port', decode(portPart, 'port')]);
  if (path !== '') pairs.push(['dbname', decode(path, 'database name')]);

  if (query !== '') {
    for (const param of query.split('&')) {
      if (param === '') continue;
      const eq = param.indexOf('=');
      if (eq < 0) fail(`The URI parameter "${param}" has no "=value".`);
      pairs.push([
        decode(param.slice(0, eq), 'parameter name'),
        decode(param.slice(eq + 1), 'parameter value'),
      ]);
    }
  }
  return pairs;
}

/** host=db1 port=5432 password='it\'s secret' — whitespace separated, values optionally single-quoted. */
function parseKeywordValue(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let i = 0;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
  while (i < text.length) {
    while (isSpace(text[i])) i++;
    if (i >= text.length) break;
    let key = '';
    while (i < text.length && !isSpace(text[i]) && text[i] !== '=') key += text[i++];
    while (isSpace(text[i])) i++;
    if (text[i] !== '=') fail(`"${key}" is missing "=value" in the connection string.`);
    if (key === '') fail('The connection string has "=" with no parameter name before it.');
    i++;
    while (isSpace(text[i])) i++;
    let value = '';
    if (text[i] === "'") {
      i++;
      for (;;) {
        if (i >= text.length) fail(`The quoted value of "${key}" has no closing quote.`);
        const c = text[i++] as string;
        if (c === "'") break;
        if (c === '\\' && i < text.length) value += text[i++];
        else value += c;
      }
    } else {
      while (i < text.length && !isSpace(text[i])) {
        const c = text[i++] as string;
        if (c === '\\' && i < text.length) value += text[i++];
        else value += c;
      }
    }
    pairs.push([key, value]);
  }
  return pairs;
}
