// The one password strength rule (zxcvbn-ts score 3 of 4 or more) and its reason in words, as the window and the
// terminal client use it.
import { describe, expect, it } from 'vitest';
import { loadStrengthCheck, MIN_SCORE, weakPasswordReason, WEAK_PASSWORD_EXPLANATION } from './strength.js';

describe('password strength', () => {
  it('refuses "password", saying why in words', async () => {
    const check = await loadStrengthCheck();
    const strength = check('password');
    expect(strength).toMatchObject({ score: 0, acceptable: false, label: 'Very weak' });
    expect(strength.hints).toContain('This is a heavily used password.');
    const reason = weakPasswordReason(strength);
    expect(reason).toMatch(/^This password is too weak \(very weak, strength 0 of 4\)\. This is a heavily used password\. /);
    expect(reason.endsWith(WEAK_PASSWORD_EXPLANATION)).toBe(true);
  });

  it('takes a phrase of a few words, and scores at the threshold as acceptable', async () => {
    const check = await loadStrengthCheck();
    expect(check('seven ravens over the quay')).toMatchObject({ acceptable: true });
    for (const password of ['Tr0ub4dor&3', 'correct horse battery staple', 'qwerty123', 'alice2026']) {
      const { score, acceptable } = check(password);
      expect([password, acceptable]).toEqual([password, score >= MIN_SCORE]);
    }
  });

  it('counts what the person gave elsewhere (the username) as guessable', async () => {
    const check = await loadStrengthCheck();
    const name = 'quillonbrisk';
    expect(check(`${name}1`).score).toBeGreaterThan(check(`${name}1`, [name]).score);
  });

  it('loads the dictionaries once', async () => {
    expect(await loadStrengthCheck()).toBe(await loadStrengthCheck());
  });
});
