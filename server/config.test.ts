import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, []);
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'sqlite:data/chat.sqlite',
      tlsCert: undefined,
      tlsKey: undefined,
      trustProxy: false,
      tokenTtlSeconds: 3600,
      bodyLimitBytes: 256 * 1024,
      openRegistration: true,
      registration: 'open',
      userDirectory: 'signed-in',
      loginFailuresPerUser: 10,
      loginFailuresPerAddress: 100,
      loginWindowSeconds: 900,
      registrationsPerAddress: 30,
      registrationWindowSeconds: 3600,
      sendsPerMinute: 120,
      messageQuotaBytes: 1024 ** 3,
      deviceCredentialTtlSeconds: 180 * 86400,
      webRoot: 'dist/web',
    });
  });

  it('reads the environment, and flags win over it', () => {
    const env = { PORT: '9000', TOKEN_TTL: '15m', BODY_LIMIT: '1mb', OPEN_REGISTRATION: 'off', TRUST_PROXY: '1' };
    const config = loadConfig(env, ['--port', '9001', '--token-ttl=2h', '--database-url', 'postgres://u:p@db/chat']);
    expect(config).toMatchObject({
      port: 9001,
      tokenTtlSeconds: 7200,
      bodyLimitBytes: 1024 * 1024,
      openRegistration: false,
      registration: 'closed',
      trustProxy: 1,
      databaseUrl: 'postgres://u:p@db/chat',
    });
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({ TOKEN_TTL: '90' }).tokenTtlSeconds).toBe(90);
    expect(loadConfig({ BODY_LIMIT: '256KiB' }).bodyLimitBytes).toBe(262144);
  });

  it('reads MESSAGE_QUOTA as bytes or with a unit, 0 meaning off, and SENDS_PER_MINUTE=0 as off', () => {
    expect(loadConfig({ MESSAGE_QUOTA: '1gb' }).messageQuotaBytes).toBe(1024 ** 3);
    expect(loadConfig({ MESSAGE_QUOTA: '500mb' }).messageQuotaBytes).toBe(500 * 1024 ** 2);
    expect(loadConfig({ MESSAGE_QUOTA: '123456' }).messageQuotaBytes).toBe(123456);
    expect(loadConfig({ MESSAGE_QUOTA: '0' }).messageQuotaBytes).toBe(0);
    expect(loadConfig({ SENDS_PER_MINUTE: '0' }).sendsPerMinute).toBe(0);
    expect(loadConfig({ DEVICE_CREDENTIAL_TTL: '30d' }).deviceCredentialTtlSeconds).toBe(30 * 86400);
    expect(() => loadConfig({ MESSAGE_QUOTA: 'lots' })).toThrow(/^MESSAGE_QUOTA \(--message-quota\)/);
    expect(() => loadConfig({ MESSAGE_QUOTA: '-1' })).toThrow(/^MESSAGE_QUOTA/);
    expect(() => loadConfig({ DEVICE_CREDENTIAL_TTL: '10s' })).toThrow(/^DEVICE_CREDENTIAL_TTL/);
  });

  it('reads MAX_GROUP_MEMBERS from 2 to 200, default 100, also as --max-group-members', () => {
    expect(loadConfig({}).maxGroupMembers).toBe(100);
    expect(loadConfig({ MAX_GROUP_MEMBERS: '2' }).maxGroupMembers).toBe(2);
    expect(loadConfig({ MAX_GROUP_MEMBERS: '50' }, ['--max-group-members', '200']).maxGroupMembers).toBe(200);
    expect(() => loadConfig({ MAX_GROUP_MEMBERS: '1' })).toThrow(/^MAX_GROUP_MEMBERS \(--max-group-members\) must be a whole number from 2 to 200, got "1"$/);
    expect(() => loadConfig({ MAX_GROUP_MEMBERS: '201' })).toThrow(/^MAX_GROUP_MEMBERS/);
  });

  it.each([
    [{ PORT: '80a' }, [], /^PORT \(--port\) must be a whole number from 0 to 65535, got "80a"$/],
    [{ PORT: '70000' }, [], /^PORT/],
    [{ TOKEN_TTL: 'soon' }, [], /^TOKEN_TTL/],
    [{ TOKEN_TTL: '5' }, [], /^TOKEN_TTL .* from 10 to 365 days/],
    [{ HEARTBEAT_INTERVAL: '1m' }, [], /^HEARTBEAT_INTERVAL .* from 1 to 30 seconds/],
    [{ BODY_LIMIT: 'huge' }, [], /^BODY_LIMIT/],
    [{ OPEN_REGISTRATION: 'maybe' }, [], /^OPEN_REGISTRATION .*true or false/],
    [{ LOG_LEVEL: 'loud' }, [], /^LOG_LEVEL/],
    [{ TRUST_PROXY: 'x;y' }, [], /^TRUST_PROXY/],
    [{ LOGIN_FAILURES_PER_USER: '0' }, [], /^LOGIN_FAILURES_PER_USER/],
    [{ TLS_CERT: 'cert.pem' }, [], /TLS_CERT and TLS_KEY must be given together/],
    [{}, ['--prot', '1'], /unknown option --prot/],
    [{}, ['--port'], /--port needs a value/],
    [{}, ['--host', ''], /^HOST/],
  ])('refuses %j %j with one line naming the setting', (env, argv, message) => {
    expect(() => loadConfig(env, argv)).toThrow(ConfigError);
    expect(() => loadConfig(env, argv)).toThrow(message);
  });

  it('REGISTRATION and USER_DIRECTORY: the modes, OPEN_REGISTRATION=false as an alias of closed, a conflict in one line', () => {
    expect(loadConfig({ REGISTRATION: 'invite' }).registration).toBe('invite');
    expect(loadConfig({}, ['--registration=closed']).registration).toBe('closed');
    expect(loadConfig({ OPEN_REGISTRATION: 'false' }).registration).toBe('closed');
    expect(loadConfig({ OPEN_REGISTRATION: 'true' }).registration).toBe('open');
    expect(loadConfig({ OPEN_REGISTRATION: 'false', REGISTRATION: 'closed' }).registration).toBe('closed');
    expect(loadConfig({ OPEN_REGISTRATION: 'true', REGISTRATION: 'invite' }).registration).toBe('invite');
    expect(loadConfig({ USER_DIRECTORY: 'public' }).userDirectory).toBe('public');
    for (const env of [
      { OPEN_REGISTRATION: 'false', REGISTRATION: 'open' },
      { OPEN_REGISTRATION: 'false', REGISTRATION: 'invite' },
      { OPEN_REGISTRATION: 'true', REGISTRATION: 'closed' },
    ]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/^OPEN_REGISTRATION=\w+ contradicts REGISTRATION=\w+; set only REGISTRATION \(open, invite or closed\)$/);
    }
    expect(() => loadConfig({ REGISTRATION: 'maybe' })).toThrow(/^REGISTRATION .*one of open, invite, closed/);
    expect(() => loadConfig({ USER_DIRECTORY: 'everyone' })).toThrow(/^USER_DIRECTORY .*one of signed-in, public/);
  });
});
