import { describe, expect, it } from 'vitest';
import { SECRET_WORDS } from './__fixtures__/secret-words.js';
import { isSecretKey, REDACTED } from './secret-key.js';

it('redacts to "[REDACTED]"', () => {
  expect(REDACTED).toBe('[REDACTED]');
});

describe('isSecretKey', () => {
  it.each(SECRET_WORDS)('is true for "%s" in any case and with "-" or "_" anywhere', (word) => {
    expect(isSecretKey(word)).toBe(true);
    expect(isSecretKey(word.toUpperCase())).toBe(true);
    expect(isSecretKey(`my_${word}_value`)).toBe(true);
    const middle = Math.floor(word.length / 2);
    expect(isSecretKey(`${word.slice(0, middle)}-${word.slice(middle)}`)).toBe(true);
    expect(isSecretKey(`${word.slice(0, middle)}_${word.slice(middle).toUpperCase()}`)).toBe(true);
  });

  it.each([
    'x-api-key',
    'X-API-KEY',
    'Auth_Token',
    'db_password_hash',
    'apiKey',
    'api_key',
    'accessToken',
    'refresh-token',
    'clientSecret',
    'Set-Cookie',
    'PRIVATE_KEY',
    'private-key',
    'awsCredentials',
    'Authorization',
    'proxy-authorization',
    'PASSWD',
    'maxTokens',
  ])('is true for "%s"', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    'accessKey',
    'AWS_ACCESS_KEY_ID',
    'auth',
    'AUTH',
    'X-Auth',
    'x_auth_header',
    'authHeader',
    'basicAuth',
    'oauth',
    'OAuthConfig',
    'pwd',
    'MYSQL_PWD',
    'dbPwd',
    'passwd',
    'passphrase',
    'connectionString',
    'CONNECTION_STRING',
    'db-connection-string',
    'credentials',
    'Credentials',
    'secretAccessKey',
    'client_secret',
    'id_token',
    'idToken',
    'REFRESH-TOKEN',
    'sessionToken',
    'jwt',
    'JWT_SECRET',
  ])('is true for "%s" (the widened rules)', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    'user',
    'name',
    'api',
    'key',
    'pass',
    'author',
    'Author',
    'authority',
    'authorName',
    'coauthor',
    'priv',
    'cook',
    'tok',
    'public_key',
    'keyId',
    '',
    'pass word',
    'access',
    'connection',
    'string',
    'path',
    'stage',
  ])('is false for "%s"', (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});
