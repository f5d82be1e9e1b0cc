// The two ways a command fails, told apart by their exit status (documented in --help and docs/deploy.md):
// a call the tool cannot understand (exit 2, with the usage line) and a request it understood but cannot do
// (exit 1): an unknown user, a bad value, a backup file that exists already.
export class UsageError extends Error {}

export class AdminError extends Error {}

export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
