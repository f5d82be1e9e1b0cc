// The text file a recovery code is saved as, the same from the desktop app (a save dialog) and the web page
// (a download): plain text, so it can be printed or kept offline.
/** The text file a recovery code is saved as: what it is for, whose it is, and how to keep it. */
export function recoveryCodeFile(username: string, serverUrl: string, code: string, made: Date): { name: string; text: string } {
  const day = made.toISOString().slice(0, 10);
  const text = [
    'Encrypted Chat recovery code',
    '',
    `Account: ${username}`,
    `Server:  ${serverUrl}`,
    `Made:    ${day}`,
    '',
    `    ${code}`,
    '',
    'With this code you can set a new password if you forget yours ("Forgot password" on the sign-in screen),',
    'and read all your messages again. Anyone who has it and knows your username can do the same: keep it',
    'offline (print it, or keep this file on a drive only you have) and delete other copies.',
    'It works once; making a new code in Settings replaces it.',
    '',
  ].join('\n');
  return { name: `encrypted-chat-recovery-code-${username}.txt`, text };
}
