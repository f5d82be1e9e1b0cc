// CLI side: send-file (files from disk, streamed: never whole in memory) and get-file (a message's files into a
// folder, each through a temporary file renamed only once it verified, deleted otherwise). A progress bar goes
// to standard error on a terminal, and nothing when it is piped.
import { access, constants, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { groupKey } from '../core/api/conversation-key.js';
import { ChatError, toChatError } from '../core/api/errors.js';
import { messageTextSchema, typedUsernameSchema } from '../core/api/schemas.js';
import type { ChatEvent, MessageView } from '../core/api/view.js';
import type { ChatClient, FileSource } from '../core/client/chat-client.js';
import { MAX_MESSAGE_ATTACHMENTS } from '../core/protocol/schemas-attachments.js';
import { diskFileSource, temporaryFile } from '../node/attachment-files.js';
import type { CliContext, Command } from './context.js';
import { groupLabel } from './group-format.js';
import { resolveGroup } from './group-resolve.js';
import { messageJson } from './message-format.js';
import { sendPending } from './message-commands.js';
import { safeJson, safeLine } from './output.js';
import { fileSize, ProgressBar } from './file-commands-format.js';
import { check, UsageError } from './usage.js';

/** get-file: a file did not verify (digest, a chunk, its length); nothing of it was kept. */
export const FILE_FAILED_EXIT_CODE = 6;

function progressOf(ctx: CliContext, client: ChatClient, transfer: string, label: string): { bar: ProgressBar; stop: () => void } {
  const bar = new ProgressBar(ctx.io.stderr);
  const off = client.onEvent((event: ChatEvent) => {
    if (event.type === 'transfer' && event.transfer === transfer && event.state === 'running') bar.show(label, event.done, event.total);
  });
  return {
    bar,
    stop: () => {
      off();
      bar.end();
    },
  };
}

/** send-file RECIPIENT PATH... | send-file --group GROUP PATH... [--text TEXT] */
export const sendFile: Command = async (ctx) => {
  const toGroup = ctx.args.group;
  const [first, ...others] = ctx.args.positionals;
  const recipient = toGroup === undefined ? check(typedUsernameSchema, first, 'RECIPIENT') : undefined;
  const paths = toGroup === undefined ? others : ctx.args.positionals;
  if (paths.length === 0) throw new UsageError('"send-file" needs at least one file (run "encrypted-chat send-file --help")');
  if (paths.length > MAX_MESSAGE_ATTACHMENTS) throw new UsageError(`"send-file" sends at most ${MAX_MESSAGE_ATTACHMENTS} files in one message`);
  const text = ctx.args.text === undefined ? undefined : check(messageTextSchema, ctx.args.text, '--text');
  // Every file is looked at before the password is asked: a missing one is said at once.
  const sources: FileSource[] = [];
  for (const path of paths) {
    try {
      sources.push(await diskFileSource(path));
    } catch {
      throw new ChatError('invalid_input', `Cannot read ${safeLine(path)}: it is not a readable file.`);
    }
  }
  await ctx.serverUrl();
  if (recipient !== undefined) await ctx.knownUser(recipient);
  return ctx.withSession(async (client) => {
    await sendPending(ctx, client);
    let to: string;
    let label: string;
    if (recipient !== undefined) [to, label] = [recipient, safeLine(recipient)];
    else {
      const { id, view } = await resolveGroup(client, toGroup!);
      [to, label] = [groupKey(id), groupLabel(id, view?.name)];
    }
    const transfer = `send-${client.newMessageId()}`;
    const names = sources.length === 1 ? safeLine(sources[0]!.name) : `${sources.length} files`;
    const progress = progressOf(ctx, client, transfer, names);
    let sent: MessageView;
    try {
      sent = await client.sendFileStreams({ to, files: sources, transfer, ...(text === undefined ? {} : { text }) }, { signal: ctx.io.signal });
    } finally {
      progress.stop();
    }
    if (ctx.args.json) ctx.out(safeJson(messageJson(sent)));
    else ctx.out(`Sent ${names} (${fileSize(sources.reduce((n, s) => n + s.size, 0))}) to ${label} at ${sent.timestamp} (id ${safeLine(sent.id)}).`);
    return 0;
  });
};

/** get-file MESSAGE-ID [--out DIR] [--index N]: every file of the message (or file N, from 1), verified, into DIR. */
export const getFile: Command = async (ctx) => {
  const id = ctx.args.positionals[0]!;
  const dir = resolve(ctx.args.out ?? '.');
  const folder = await stat(dir).catch(() => null);
  if (!folder?.isDirectory()) throw new ChatError('invalid_input', `${safeLine(dir)} is not a folder (--out DIR names the folder the files go to).`);
  await access(dir, constants.W_OK).catch(() => {
    throw new ChatError('invalid_input', `Cannot write to ${safeLine(dir)}.`);
  });
  await ctx.serverUrl();
  return ctx.withSession(async (client) => {
    const [view] = await client.readMessages([id]);
    if (!view) throw new ChatError('not_found', 'There is no such message.');
    if (view.status !== 'verified') throw new ChatError('tampered', `This message did not verify, so its files are not fetched: ${safeLine(view.reason ?? view.status)}`);
    const files = view.files ?? [];
    if (files.length === 0) throw new ChatError('invalid_input', 'This message holds no file.');
    const index = ctx.args.index;
    if (index !== undefined && index > files.length) throw new UsageError(`--index: this message holds ${files.length} file${files.length === 1 ? '' : 's'}`);
    const wanted = index === undefined ? files : [files[index - 1]!];
    const saved: { name: string; path: string; size: number }[] = [];
    let failed = false;
    for (const file of wanted) {
      const transfer = `get-${client.newMessageId()}`;
      const temp = await temporaryFile(dir);
      const progress = progressOf(ctx, client, transfer, safeLine(file.name));
      try {
        await client.receiveFile({ conversation: view.conversation, messageId: view.id, index: file.index, transfer }, temp.sink, { signal: ctx.io.signal });
        progress.stop();
        const path = await temp.keep(file.name);
        saved.push({ name: file.name, path, size: file.size });
        if (!ctx.args.json) ctx.out(`Saved ${safeLine(file.name)} (${fileSize(file.size)}) as ${safeLine(path)}.`);
      } catch (error) {
        progress.stop();
        await temp.discard();
        const e = toChatError(error);
        if (e.info.code !== 'file_failed') throw e;
        failed = true;
        ctx.err(`encrypted-chat: ${safeLine(e.info.message)}`);
      }
    }
    if (ctx.args.json) ctx.out(safeJson({ message: view.id, saved }));
    return failed ? FILE_FAILED_EXIT_CODE : 0;
  });
};
