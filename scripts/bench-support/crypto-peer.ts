// Bench side (Node, run by `npm run bench:peers`): the project's cryptography beside OpenPGP.js on the same
// jobs, RSA-4096 on both sides, timed in alternating rounds (which side goes first alternates too), so a burst
// of load from other processes on the machine weighs on both sides alike.
//   send 1 KiB: seal for one recipient plus the sender's own copy, signed by the sender
//               (project: sealMessage; OpenPGP: encrypt to two RSA-4096 keys, signed with the sender's key)
//   read 1 KiB: open and verify the signature (project: openMessage + verifyOpened; OpenPGP: decrypt with
//               verificationKeys and expectSigned)
//   10 MiB file: project: the attachment blob (sealAttachment / openAttachment: chunked AES-256-GCM and the
//               SHA-512 digest; the file key then travels in a message as above); OpenPGP: a 10 MiB binary
//               message encrypted to the same two keys / decrypted.
import * as openpgp from 'openpgp';
import { openAttachment, sealAttachment } from '../../core/crypto/attachment-crypto.js';
import { newMessageId, openMessage, sealMessage, verifyOpened } from '../../core/crypto/message-crypto.js';
import { utf8 } from '../../core/crypto/webcrypto.js';
import { encodeBase64 } from '../../core/protocol/base64.js';
import { importedKeys } from '../../core/test-fixtures/vectors.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function meanMs(run: () => Promise<unknown>, calls: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await run();
  return (performance.now() - t0) / calls;
}

interface Row {
  name: string;
  project: () => Promise<unknown>;
  peer: () => Promise<unknown>;
  rounds: number;
  calls: number;
}

export async function cryptoVsOpenpgp(options: { rounds: number; fileRounds: number }): Promise<void> {
  const version = (openpgp.config as { versionString?: string }).versionString ?? 'OpenPGP.js';
  console.log(`\nCrypto vs ${version} (Node ${process.versions.node}, OpenSSL ${process.versions.openssl}); RSA-4096 keys on both sides`);
  const [alice, bob] = await Promise.all([importedKeys('alice'), importedKeys('bob')]);
  const generate = (name: string) => openpgp.generateKey({ type: 'rsa', rsaBits: 4096, userIDs: [{ name, email: `${name}@example.org` }], format: 'object' });
  const [pgpAlice, pgpBob] = await Promise.all([generate('alice'), generate('bob')]);

  // 1 KiB of UTF-8 text (the project's reader decodes the plaintext as UTF-8).
  const text = 'A'.repeat(1024);
  const plaintext = utf8(text);
  const send = () =>
    sealMessage({ id: newMessageId(), sender: 'alice', recipient: 'bob', plaintext, senderPrivateKey: alice.privateKey, senderPublicKey: alice.publicKey, recipientPublicKey: bob.publicKey });
  const record = { ...(await send()), sender: 'alice' };
  const read = async () => {
    const opened = await openMessage(record, 'bob', bob.privateKey);
    if (!opened.ok || !(await verifyOpened(opened, alice.publicKey)) || opened.text !== text) throw new Error('the project message did not open and verify');
  };
  const pgpSend = async () =>
    openpgp.encrypt({ message: await openpgp.createMessage({ binary: plaintext }), encryptionKeys: [pgpBob.publicKey, pgpAlice.publicKey], signingKeys: pgpAlice.privateKey, format: 'binary' });
  const pgpSealed = (await pgpSend()) as Uint8Array;
  const pgpRead = async () => {
    const message = await openpgp.readMessage({ binaryMessage: pgpSealed });
    const { data, signatures } = await openpgp.decrypt({ message, decryptionKeys: pgpBob.privateKey, verificationKeys: pgpAlice.publicKey, expectSigned: true, format: 'binary' });
    await signatures[0]!.verified;
    if ((data as Uint8Array).length !== plaintext.length) throw new Error('the OpenPGP message did not open');
  };

  const file = new Uint8Array(10 * 1024 * 1024);
  for (let i = 0; i < file.length; i += 65_536) globalThis.crypto.getRandomValues(file.subarray(i, i + 65_536));
  const sealedFile = await sealAttachment(file);
  const fileObject = { size: file.length, key: encodeBase64(sealedFile.key), digest: encodeBase64(sealedFile.digest) };
  const fileRead = async () => {
    const opened = await openAttachment(sealedFile.blob, fileObject);
    if (!opened.ok || opened.plaintext.length !== file.length) throw new Error('the project attachment did not open');
  };
  const pgpFileSend = async () => openpgp.encrypt({ message: await openpgp.createMessage({ binary: file }), encryptionKeys: [pgpBob.publicKey, pgpAlice.publicKey], format: 'binary' });
  const pgpFile = (await pgpFileSend()) as Uint8Array;
  const pgpFileRead = async () => {
    const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ binaryMessage: pgpFile }), decryptionKeys: pgpBob.privateKey, format: 'binary' });
    if ((data as Uint8Array).length !== file.length) throw new Error('the OpenPGP file did not open');
  };

  const rows: Row[] = [
    { name: 'send 1 KiB (seal for 2, sign)', project: send, peer: pgpSend, rounds: options.rounds, calls: 5 },
    { name: 'read 1 KiB (open, verify)', project: read, peer: pgpRead, rounds: options.rounds, calls: 5 },
    { name: 'send 10 MiB file (encrypt)', project: () => sealAttachment(file), peer: pgpFileSend, rounds: options.fileRounds, calls: 1 },
    { name: 'read 10 MiB file (decrypt, check)', project: fileRead, peer: pgpFileRead, rounds: options.fileRounds, calls: 1 },
  ];
  console.log(`  ${'operation'.padEnd(36)} ${'project'.padStart(10)} ${'OpenPGP.js'.padStart(11)}   OpenPGP.js / project`);
  for (const row of rows) {
    await row.project();
    await row.peer(); // warm-up
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < row.rounds; i++) {
      if (i % 2 === 0) {
        theirs.push(await meanMs(row.peer, row.calls));
        ours.push(await meanMs(row.project, row.calls));
      } else {
        ours.push(await meanMs(row.project, row.calls));
        theirs.push(await meanMs(row.peer, row.calls));
      }
    }
    const [p, q] = [median(ours), median(theirs)];
    const verdict = p < q ? '' : '   (!! the project is not ahead)';
    console.log(`  ${row.name.padEnd(36)} ${`${p.toFixed(2)} ms`.padStart(10)} ${`${q.toFixed(2)} ms`.padStart(11)}   ${(q / p).toFixed(2)}×${verdict}`);
  }
  console.log(
    `  medians of ${options.rounds} rounds (1 KiB rows, each the mean of 5 calls) and ${options.fileRounds} rounds (file rows); OpenPGP.js with its defaults ` +
      `(v4 keys, AES-256, SEIPD v1, SHA-512 signatures, no compression). OpenPGP's file read includes unwrapping its session key ` +
      '(one RSA private-key operation); the project\'s file key arrives in a message, whose cost is the "read 1 KiB" row.',
  );
}
