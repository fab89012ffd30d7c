import { describe, expect, it } from 'vitest';
import { profileInputSchema } from '../../shared/profile';
import { AppError } from '../errors';
import { parseConnectionString } from './libpq-uri';

function refusal(text: string): AppError {
  try {
    parseConnectionString(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('invalid_input');
    // The form shows it next to the URI field.
    expect(appError.fields?.uri).toBe(appError.message);
    return appError;
  }
  throw new Error(`expected "${text}" to be refused`);
}

describe('parseConnectionString: libpq URIs', () => {
  it('reads user, host, port and database', () => {
    expect(parseConnectionString('postgresql://monitor@db1.example.com:6432/sales')).toEqual({
      user: 'monitor',
      host: 'db1.example.com',
      port: 6432,
      database: 'sales',
    });
  });

  it('accepts the postgres:// spelling too', () => {
    expect(parseConnectionString('postgres://u@h/d')).toMatchObject({ user: 'u', host: 'h', database: 'd' });
  });

  it('applies libpq defaults: port 5432 and a database named after the user', () => {
    expect(parseConnectionString('postgresql://alice@db1')).toEqual({
      user: 'alice',
      host: 'db1',
      port: 5432,
      database: 'alice',
    });
  });

  it('keeps a password from the URI and marks it to be stored', () => {
    expect(parseConnectionString('postgresql://alice:s3cret@db1/app')).toMatchObject({
      user: 'alice',
      password: 's3cret',
      passwordMode: 'store',
    });
  });

  it('percent-decodes user, password, host and database', () => {
    const parsed = parseConnectionString('postgresql://us%40r:p%3Aw%2Fd%25@db1/my%20db');
    expect(parsed).toMatchObject({ user: 'us@r', password: 'p:w/d%', database: 'my db' });
  });

  it('reads a bracketed IPv6 address with its port', () => {
    expect(parseConnectionString('postgresql://u@[2001:db8::1]:5433/app')).toMatchObject({
      host: '2001:db8::1',
      port: 5433,
    });
    expect(parseConnectionString('postgresql://u@[::1]/app')).toMatchObject({ host: '::1', port: 5432 });
  });

  it('reads a Unix socket directory given as an encoded host or a host= parameter', () => {
    expect(parseConnectionString('postgresql://%2Fvar%2Frun%2Fpostgresql/app?user=u')).toMatchObject({
      host: '/var/run/postgresql',
      database: 'app',
    });
    expect(parseConnectionString('postgresql:///app?host=/tmp&user=u')).toMatchObject({ host: '/tmp' });
  });

  it('reads TLS settings and the connect timeout from the query string', () => {
    const parsed = parseConnectionString(
      'postgresql://u@db1/app?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Froot.crt&sslcert=/c.crt&sslkey=/c.key&connect_timeout=7',
    );
    expect(parsed).toMatchObject({
      sslmode: 'verify-full',
      sslRootCert: '/etc/ssl/root.crt',
      sslCert: '/c.crt',
      sslKey: '/c.key',
      connectTimeoutSec: 7,
    });
  });

  it('lets query parameters override the parts of the URI, as libpq does', () => {
    expect(
      parseConnectionString('postgresql://u@db1:5432/a?host=db2&port=6000&dbname=b&user=v&password=pw'),
    ).toEqual({
      host: 'db2',
      port: 6000,
      database: 'b',
      user: 'v',
      password: 'pw',
      passwordMode: 'store',
    });
  });

  it('accepts parameters Tidemark sets itself (application_name, options, keepalives) without using them', () => {
    const parsed = parseConnectionString(
      'postgresql://u@db1/app?application_name=psql&options=-c%20search_path%3Dx&keepalives=1',
    );
    expect(parsed).toEqual({ user: 'u', host: 'db1', port: 5432, database: 'app' });
  });

  it('turns a libpq zero connect_timeout ("wait forever") into the profile default', () => {
    expect(
      parseConnectionString('postgresql://u@db1/app?connect_timeout=0').connectTimeoutSec,
    ).toBeUndefined();
  });

  it('produces input the profile schema accepts once named', () => {
    const parsed = parseConnectionString('postgresql://u:pw@db1:5433/app?sslmode=require');
    const profile = profileInputSchema.parse({ ...parsed, name: 'db1' });
    expect(profile).toMatchObject({ host: 'db1', port: 5433, sslmode: 'require', passwordMode: 'store' });
  });

  it('refuses several hosts with a message that says why', () => {
    expect(refusal('postgresql://u@h1,h2/app').message).toMatch(/Several hosts.*one server/);
    expect(refusal('postgresql://u@h1:5432,h2:5433/app').message).toMatch(/Several hosts/);
    expect(refusal('postgresql://u@h1/app?host=h1,h2').message).toMatch(/Several hosts/);
  });

  it('refuses an unknown parameter and names it', () => {
    expect(refusal('postgresql://u@h/app?sslmod=require').message).toMatch(/"sslmod"/);
  });

  it('refuses an sslmode libpq does not have', () => {
    expect(refusal('postgresql://u@h/app?sslmode=true').message).toMatch(/sslmode "true" is not one of/);
  });

  it('refuses parameters that would change behaviour Tidemark does not have', () => {
    expect(refusal('postgresql://u@h/app?target_session_attrs=read-write').message).toMatch(
      /target_session_attrs/,
    );
    expect(refusal('postgresql://u@h/app?service=prod').message).toMatch(/pg_service\.conf/);
    expect(refusal('postgresql://u@h/app?sslpassword=x').message).toMatch(/encrypted client keys/);
  });

  it('refuses a bad port, broken percent-encoding and a parameter without a value', () => {
    expect(refusal('postgresql://u@h:54x2/app').message).toMatch(/port "54x2"/);
    expect(refusal('postgresql://u@h:70000/app').message).toMatch(/between 1 and 65535/);
    expect(refusal('postgresql://u@h/a%zzb').message).toMatch(/percent-encoding/);
    expect(refusal('postgresql://u@h/app?sslmode').message).toMatch(/"sslmode" has no "=value"/);
    expect(refusal('postgresql://u@[::1/app').message).toMatch(/closing "\]"/);
  });

  it('explains a JDBC URL instead of misreading it', () => {
    expect(refusal('jdbc:postgresql://h:5432/app').message).toMatch(/JDBC/);
  });
});

describe('parseConnectionString: key=value strings', () => {
  it('reads libpq keywords', () => {
    expect(parseConnectionString('host=db1 port=5433 dbname=sales user=monitor sslmode=require')).toEqual({
      host: 'db1',
      port: 5433,
      database: 'sales',
      user: 'monitor',
      sslmode: 'require',
    });
  });

  it('reads quoted values with escaped quotes and backslashes, and spaces around =', () => {
    const parsed = parseConnectionString(
      String.raw`host = db1 user=u password='it\'s a \\ secret' dbname='my db'`,
    );
    expect(parsed).toMatchObject({
      host: 'db1',
      password: "it's a \\ secret",
      database: 'my db',
      passwordMode: 'store',
    });
  });

  it('applies the same defaults as for URIs', () => {
    expect(parseConnectionString('host=db1 user=bob')).toMatchObject({ port: 5432, database: 'bob' });
  });

  it('uses hostaddr as the host when no host is given, and refuses a conflicting pair', () => {
    expect(parseConnectionString('hostaddr=10.0.0.5 user=u')).toMatchObject({ host: '10.0.0.5' });
    expect(refusal('host=db1 hostaddr=10.0.0.5 user=u').message).toMatch(/Both host \(db1\) and hostaddr/);
  });

  it('refuses an unterminated quote, a keyword without "=" and a text that is neither form', () => {
    expect(refusal("host=db1 password='abc").message).toMatch(/no closing quote/);
    expect(refusal('host=db1 user').message).toMatch(/"user" is missing "=value"/);
    expect(refusal('db1.example.com:5432').message).toMatch(/neither a postgresql:\/\/ URI nor key=value/);
    expect(refusal('   ').message).toMatch(/Paste/);
  });

  it('refuses several hosts here too', () => {
    expect(refusal('host=h1,h2 user=u').message).toMatch(/Several hosts/);
  });
});
