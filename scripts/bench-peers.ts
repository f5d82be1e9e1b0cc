// `npm run bench:peers`: the project beside what else one could self-host, in one run, one table per peer,
// peer and project alternating round by round:
//   1. crypto vs OpenPGP.js (scripts/bench-support/crypto-peer.ts)
//   2. the server vs ejabberd (scripts/bench-support/server-peer.ts; Debian's ejabberd, installed here when
//      missing and running as root, started on loopback with a throwaway config and spool)
// A peer that cannot be installed or started is reported in one line and skipped. Prints figures; asserts nothing.
// Options (env): BENCH_ROUNDS (30) for the 1 KiB crypto rows, BENCH_FILE_ROUNDS (10), BENCH_PEER_ROUNDS (3)
// server rounds of BENCH_DURATION (10) s with BENCH_CONNECTIONS (10), BENCH_RECIPIENTS (10); BENCH_ONLY=crypto or
// BENCH_ONLY=server runs one table.
import os from 'node:os';
import { cryptoVsOpenpgp } from './bench-support/crypto-peer.js';
import { serverVsEjabberd } from './bench-support/server-peer.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

console.log(`Encrypted Chat beside its peers — ${new Date().toISOString()}`);
console.log(`  machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const only = process.env.BENCH_ONLY;
if (only !== 'server') await cryptoVsOpenpgp({ rounds: env('BENCH_ROUNDS', 30), fileRounds: env('BENCH_FILE_ROUNDS', 10) });
if (only !== 'crypto') await serverVsEjabberd({ rounds: env('BENCH_PEER_ROUNDS', 3), duration: env('BENCH_DURATION', 10), connections: env('BENCH_CONNECTIONS', 10), recipients: env('BENCH_RECIPIENTS', 10) });
