// kill -9 during an upload (a child-process server): the blob answered 201 survives and reads back with the
// same digest; the interrupted one leaves nothing that counts toward the quota and no file after a restart.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../../core/test-fixtures/waiting.js';
import { startServerProcess } from '../../test/support/server-process.js';
import { call, registration } from '../testing/harness.js';
import { chunkedUpload, download, sha512, upload } from './attachments-fixture.js';

describe('kill -9 during an upload', () => {
  it('keeps the answered blob and leaves nothing of the interrupted one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-attachments-'));
    const env = { ATTACHMENT_DIR: dir, ATTACHMENT_QUOTA: '300kb' };
    const first = await startServerProcess({ env });
    const body = registration('alice');
    const token = (await call(first.url, 'POST', '/users', { body })).body.token as string;
    const blob = randomBytes(200_000);
    const kept = await upload(first.url, token, blob);
    expect(kept.status).toBe(201);
    const slow = chunkedUpload(first.url, token, 100_000, 4096, 20);
    slow.answer.catch(() => undefined);
    await until(() => readdirSync(dir).some((n) => n.endsWith('.part')), () => `the slow upload's temporary file; the folder holds ${readdirSync(dir).join(', ')}`);
    await first.kill();
    slow.stop();

    const second = await startServerProcess({ env, databaseUrl: first.databaseUrl });
    try {
      await until(() => readdirSync(dir).length === 1, () => `the restarted server to remove the half file; the folder holds ${readdirSync(dir).join(', ')}`);
      expect(readdirSync(dir)).toEqual([kept.body.id]);
      const login = await call(second.url, 'POST', '/login', { body: { username: 'alice', authHash: body.authHash } });
      const again = await download(second.url, login.body.token, kept.body.id);
      expect(again.status).toBe(200);
      expect(sha512(again.bytes)).toBe(kept.body.digest);
      // 200,000 of 300 KiB used: the interrupted upload took none of the rest.
      expect((await upload(second.url, login.body.token, randomBytes(100_000))).status).toBe(201);
    } finally {
      await second.stop();
    }
  });
});
