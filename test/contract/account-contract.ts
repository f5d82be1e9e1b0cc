// The ChatApi contract for accounts (PROTOCOL.md "Accounts (v2)"): devices, the recovery code, signing out
// everywhere and deleting the account — run against the window's fake and the web adapter over a real server.
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../core/api/chat-api.js';
import { chatError, freshWorldEachTest, FINGERPRINT, type ContractSetup, type ContractWorld } from './contract-world.js';

const CODE = /^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$/;
const NEW_PASSWORD = 'a brand new password 2';
const LIVE = { timeout: 20_000 };

export function describeAccountContract(name: string, setup: ContractSetup): void {
  describe(`the ChatApi contract for accounts: ${name}`, () => {
    let w: ContractWorld;
    let events: ChatEvent[];
    const signedOut = () => events.filter((e) => e.type === 'signed_out');

    freshWorldEachTest(setup, (world, recorded) => {
      w = world;
      events = recorded;
    });

    it('says before sign-in whether the server takes new accounts, and refuses account calls with locked', async () => {
      expect(await w.api.serverInfo()).toEqual({ registration: 'open', retention: null });
      for (const call of [() => w.api.devices(), () => w.api.recoveryStatus(), () => w.api.createRecoveryCode(w.me.password), () => w.api.deleteAccount(w.me.password)]) {
        await chatError(call(), 'locked');
      }
      await chatError(w.api.saveRecoveryCode('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH'), 'locked');
      await chatError(w.api.recoverAccount({ username: w.me.username, code: 'not a code', newPassword: NEW_PASSWORD }), 'invalid_input');
      await chatError(w.api.register({ username: w.nobody, password: NEW_PASSWORD, invite: ' ' }), 'invalid_input');
    });

    it('lists the devices signed in, this one marked, and signs another one out', async () => {
      await w.api.login(w.me);
      await w.signInElsewhere('Desktop, Linux');
      const devices = await w.api.devices();
      expect(devices.filter((d) => d.current)).toHaveLength(1);
      for (const d of devices) {
        expect(d).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: expect.toBeOneOf([null, expect.any(String)]), signedInAt: expect.any(Number), lastSeenAt: expect.any(Number), current: expect.any(Boolean) });
      }
      const laptop = devices.find((d) => d.name === 'Desktop, Linux')!;
      expect(laptop.current).toBe(false);
      const left = await w.api.signOutDevice(laptop.id);
      expect(left.map((d) => d.id)).not.toContain(laptop.id);
      expect(left.filter((d) => d.current)).toHaveLength(1);
      await chatError(w.api.signOutDevice(laptop.id), 'not_found');
      await chatError(w.api.signOutDevice(left.find((d) => d.current)!.id), 'invalid_input');
      await chatError(w.api.signOutDevice('not-a-session'), 'invalid_input');
    });

    it('signs out everywhere: this device too, and the others', async () => {
      await w.api.login(w.me);
      await w.signInElsewhere('Web, Firefox');
      await w.api.logoutEverywhere();
      expect(await w.api.currentAccount()).toBeNull();
      await expect.poll(signedOut, LIVE).toEqual([{ type: 'signed_out', reason: expect.any(String) }]);
      await w.api.login(w.me);
      expect((await w.api.devices()).map((d) => d.current)).toEqual([true]);
    });

    it('makes a recovery code behind the password, and "forgot password" with it sets a new one once', async () => {
      await w.api.login(w.me);
      expect(await w.api.recoveryStatus()).toEqual({ set: false, setAt: null, device: null });
      await chatError(w.api.createRecoveryCode(`${w.me.password}!`), 'wrong_password');
      const made = await w.api.createRecoveryCode(w.me.password);
      expect(made).toEqual({ code: expect.stringMatching(CODE), setAt: expect.any(Number) });
      expect(await w.api.recoveryStatus()).toEqual({ set: true, setAt: made.setAt, device: expect.toBeOneOf([null, expect.any(String)]) });
      expect(await w.api.currentAccount()).not.toBeNull();
      expect(await w.api.saveRecoveryCode(made.code.toLowerCase())).toBe(true);
      await chatError(w.api.saveRecoveryCode('ABCD'), 'invalid_input');
      await w.api.logout();

      const typed = ` ${made.code.toLowerCase().replaceAll('-', ' ')} `;
      await chatError(w.api.recoverAccount({ username: w.me.username, code: typed, newPassword: 'short' }), 'weak_password');
      const wrongCode = made.code.startsWith('A') ? `B${made.code.slice(1)}` : `A${made.code.slice(1)}`;
      await chatError(w.api.recoverAccount({ username: w.me.username, code: wrongCode, newPassword: NEW_PASSWORD }), 'wrong_password');
      await chatError(w.api.recoverAccount({ username: w.nobody, code: made.code, newPassword: NEW_PASSWORD }), 'wrong_password');
      const account = await w.api.recoverAccount({ username: ` ${w.me.username.toUpperCase()}`, code: typed, newPassword: NEW_PASSWORD });
      expect(account).toEqual({ username: w.me.username, fingerprint: expect.stringMatching(FINGERPRINT), serverUrl: expect.stringMatching(/^https?:\/\//) });
      expect((await w.api.getSettings()).lastUsername).toBe(w.me.username);
      // The code is used up by the password change it made.
      expect(await w.api.recoveryStatus()).toEqual({ set: false, setAt: null, device: null });
      await w.api.logout();
      await chatError(w.api.recoverAccount({ username: w.me.username, code: made.code, newPassword: NEW_PASSWORD }), 'wrong_password');
      await chatError(w.api.login(w.me), 'wrong_password');
      await w.api.login({ username: w.me.username, password: NEW_PASSWORD });
      expect(await w.api.contacts()).toEqual(expect.any(Array));
    });

    it('removes a recovery code behind the password', async () => {
      await w.api.login(w.me);
      await w.api.createRecoveryCode(w.me.password);
      await chatError(w.api.removeRecoveryCode('wrong password'), 'wrong_password');
      expect(await w.api.removeRecoveryCode(w.me.password)).toEqual({ set: false, setAt: null, device: null });
    });

    it("follows the server's key log: every key in it, checked by this device, no alarm", async () => {
      await chatError(w.api.keyLog(), 'locked');
      await w.api.login(w.me);
      const audited = await w.api.auditKeyLog();
      expect(audited).toEqual({
        available: true,
        size: expect.any(Number),
        checkedSize: audited.size,
        logKeyFingerprint: expect.stringMatching(FINGERPRINT),
        offeredKeyFingerprint: null,
        alarms: [],
      });
      expect(audited.size).toBeGreaterThanOrEqual(3);
      expect(await w.api.keyLog()).toEqual(audited);
      expect(await w.api.dismissKeyLogAlarm('no-such-alarm')).toEqual(audited);
      await chatError(w.api.dismissKeyLogAlarm(''), 'invalid_input');
      expect(await w.api.contactDetails(w.third)).toMatchObject({ keyLog: 'confirmed', keyLogDetail: null });
    });

    it('deletes the account behind the password: signed out, the name stays taken', async () => {
      await w.api.login(w.me);
      await chatError(w.api.deleteAccount(`${w.me.password}!`), 'wrong_password');
      expect(await w.api.currentAccount()).not.toBeNull();
      await w.api.deleteAccount(w.me.password);
      expect(await w.api.currentAccount()).toBeNull();
      await expect.poll(signedOut, LIVE).toEqual([{ type: 'signed_out', reason: expect.stringMatching(/deleted/) }]);
      await chatError(w.api.login(w.me), 'wrong_password');
      await chatError(w.api.register({ username: w.me.username, password: NEW_PASSWORD }), 'username_taken');
    });
  });
}
