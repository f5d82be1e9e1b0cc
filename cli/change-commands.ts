// CLI side: the commands that act on one message by its id — reply, edit, delete and react.
import type { ChatClient } from '../core/client/chat-client.js';
import { ChatError } from '../core/api/errors.js';
import type { MessageView } from '../core/api/view.js';
import type { CliContext, Command } from './context.js';
import { groupNames, type GroupNames } from './group-format.js';
import { formatMessage, messageJson, whereTo } from './message-format.js';
import { messageText, readAll, sendAndReport, sendPending, textOrStdin } from './message-commands.js';
import { safeJson, safeLine } from './output.js';

/** The message `id` names, as this device reads it; not_found when it cannot be read. */
async function target(client: ChatClient, id: string): Promise<MessageView> {
  const [view] = await client.readMessages([id]);
  if (!view) throw new ChatError('not_found', `There is no message ${id} that you can read (see "encrypted-chat messages --ids").`);
  return view;
}

/** How many of the conversation's newest messages are read before a change, so its answer shows the others'. */
const PRIME_LIMIT = 200;

/**
 * Reads the target's conversation (its newest PRIME_LIMIT messages) first: each command is a fresh session,
 * and the core applies to a message only the edits, deletes and reactions it has read. Without this the
 * answer of edit, delete or react would leave out what others (and earlier commands) did.
 */
async function primed(client: ChatClient, id: string): Promise<void> {
  const original = await target(client, id);
  const headers = await client.recentMessages({ conversation: original.conversation, limit: PRIME_LIMIT });
  await readAll(client, headers.map((h) => h.id));
}

/** The group names a line about `view` needs (none for a direct message). */
async function namesFor(client: ChatClient, view: MessageView): Promise<GroupNames | undefined> {
  return view.group ? groupNames(await client.groups()) : undefined;
}

/** The changed message, as JSON, or as `done` (which is told where the message is) and the message's line now. */
async function report(ctx: CliContext, client: ChatClient, view: MessageView, done: (where: string) => string): Promise<number> {
  if (ctx.args.json) {
    ctx.out(safeJson(messageJson(view)));
    return 0;
  }
  const groups = await namesFor(client, view);
  ctx.out(done(whereTo(view, groups)));
  ctx.out(formatMessage(view, { groups }));
  return 0;
}

export const reply: Command = async (ctx) => {
  const [id, typed] = ctx.args.positionals;
  await ctx.serverUrl();
  const text = await messageText(ctx, typed);
  return ctx.withSession(async (client) => {
    const original = await target(client, id!);
    const to = `${whereTo(original, await namesFor(client, original))} (a reply to ${safeLine(original.sender)})`;
    return sendAndReport(ctx, client, { conversation: original.conversation, replyTo: original.id }, text, to, 'Replied in');
  });
};

export const edit: Command = async (ctx) => {
  const [id, typed] = ctx.args.positionals;
  await ctx.serverUrl();
  const given = await messageText(ctx, typed);
  return ctx.withSession(async (client) => {
    await sendPending(ctx, client);
    const text = await textOrStdin(ctx, given);
    await primed(client, id!);
    const view = await client.editMessage({ target: id!, text, id: client.newMessageId() });
    return report(ctx, client, view, (where) => `Edited ${safeLine(view.id)} in ${where}:`);
  });
};

export const deleteCommand: Command = (ctx) =>
  ctx.withSession(async (client) => {
    const id = ctx.args.positionals[0]!;
    await sendPending(ctx, client);
    await primed(client, id);
    const view = await client.deleteMessage({ target: id, id: client.newMessageId() });
    return report(ctx, client, view, (where) => `Deleted ${safeLine(view.id)} for everyone in ${where}:`);
  });

export const react: Command = (ctx) =>
  ctx.withSession(async (client) => {
    const [id, emoji] = ctx.args.positionals;
    await sendPending(ctx, client);
    await primed(client, id!);
    const remove = ctx.args.remove;
    const view = await client.react({ target: id!, emoji: emoji!, id: client.newMessageId(), ...(remove ? { remove: true } : {}) });
    const what = remove ? `Took back your ${safeLine(emoji!)} on` : `Reacted ${safeLine(emoji!)} to`;
    return report(ctx, client, view, (where) => `${what} ${safeLine(view.id)} in ${where}:`);
  });
