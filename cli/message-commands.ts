// CLI side: send (to a person or a group) and messages (read the recent ones). Watch is watch-command.ts;
// reply, edit, delete and react are change-commands.ts.
import type { ChatClient } from '../core/client/chat-client.js';
import { toChatError } from '../core/api/errors.js';
import type { ConversationKey, GroupView, MessageView, SendRequest } from '../core/api/view.js';
import { groupKey } from '../core/api/conversation-key.js';
import { MAX_READ_BATCH, messageTextSchema } from '../core/api/schemas.js';
import type { CliContext, Command } from './context.js';
import { groupLabel, groupNames } from './group-format.js';
import { pickGroup, resolveGroup } from './group-resolve.js';
import { ACCOUNT_DELETED, conversationLabel, formatMessage, isHidden, messageJson, whereTo } from './message-format.js';
import { safeJson, safeLine, when } from './output.js';
import { readStdinText } from './terminal.js';
import { check } from './usage.js';

export async function readAll(client: ChatClient, ids: string[]): Promise<MessageView[]> {
  const views: MessageView[] = [];
  for (let i = 0; i < ids.length; i += MAX_READ_BATCH) views.push(...(await client.readMessages(ids.slice(i, i + MAX_READ_BATCH))));
  return views;
}

/** `views` by id, and the messages their replies answer (read as well, when not among them). */
export async function withReplyTargets(client: ChatClient, views: readonly MessageView[]): Promise<Map<string, MessageView>> {
  const byId = new Map(views.map((v) => [v.id, v]));
  const missing = [...new Set(views.flatMap((v) => (v.replyTo && !byId.has(v.replyTo) ? [v.replyTo] : [])))];
  for (const target of await readAll(client, missing)) byId.set(target.id, target);
  return byId;
}

/** Sends what waited in the outbox from an earlier failure first, saying so on stderr. */
export async function sendPending(ctx: CliContext, client: ChatClient): Promise<void> {
  const pending = await client.resendPending();
  if (pending.sent.length > 0) ctx.err(`Sent ${pending.sent.length} message(s) that were waiting from an earlier failure.`);
  for (const r of pending.refused) ctx.err(`A waiting message to ${conversationLabel(r.conversation)} was refused by the server and dropped: ${safeLine(r.reason)}`);
}

/** Standard input read to its end as a message's text, refused (usage, exit 2) when empty or too long. */
async function stdinText(ctx: CliContext): Promise<string> {
  return check(messageTextSchema, await readStdinText(ctx.io), 'the message on standard input');
}

/**
 * The text of send, reply or edit: as typed, else standard input — read and checked now, before signing in, so
 * an empty message is refused before any password is asked. On a terminal it is typed after the password
 * (its Ctrl-D ends standard input, which the hidden prompt then could not read): undefined, read by the command.
 */
export async function messageText(ctx: CliContext, typed: string | undefined): Promise<string | undefined> {
  return typed !== undefined || ctx.io.stdin.isTTY ? typed : stdinText(ctx);
}

/** The text given, else standard input read now (on a terminal, after the password). */
export async function textOrStdin(ctx: CliContext, text: string | undefined): Promise<string> {
  return text ?? stdinText(ctx);
}

/** Sends `request` (text from stdin when `text` is absent) and reports it; `label` names the conversation. */
export async function sendAndReport(ctx: CliContext, client: ChatClient, request: Omit<SendRequest, 'text' | 'id'>, text: string | undefined, label: string, verb = 'Sent to'): Promise<number> {
  await sendPending(ctx, client);
  const sent = await client.send({ ...request, text: await textOrStdin(ctx, text), id: client.newMessageId() });
  if (ctx.args.json) ctx.out(safeJson(messageJson(sent)));
  else ctx.out(`${verb} ${label} at ${when(sent.timestamp)} (id ${safeLine(sent.id)}).`);
  return 0;
}

export const send: Command = async (ctx) => {
  const toGroup = ctx.args.group;
  // What can be checked before the password is asked: the text, then the recipient (one request that needs no
  // sign-in); the server's address is checked before either.
  const [recipient, typed] = toGroup === undefined ? ctx.args.positionals : [undefined, ctx.args.positionals[0]];
  await ctx.serverUrl();
  const text = await messageText(ctx, typed);
  if (recipient !== undefined) await ctx.knownUser(recipient);
  return ctx.withSession(async (client) => {
    if (toGroup === undefined) return sendAndReport(ctx, client, { conversation: recipient! }, text, safeLine(recipient!));
    const { id, view } = await resolveGroup(client, toGroup);
    return sendAndReport(ctx, client, { conversation: groupKey(id) }, text, groupLabel(id, view?.name));
  });
};

/** Which of `names` deleted their account (as this device sees it: a pinned contact the server says is gone). */
export async function deletedAccounts(client: ChatClient, names: Iterable<string>): Promise<Set<string>> {
  const all = [...new Set(names)];
  const deleted = new Set<string>();
  for (let i = 0; i < all.length; i += 8) {
    const batch = all.slice(i, i + 8);
    const answers = await Promise.all(
      batch.map((name) =>
        client.contactDetails(name).then(
          (details) => details.deleted,
          (error: unknown) => toChatError(error).info.code === 'gone',
        ),
      ),
    );
    batch.forEach((name, j) => answers[j] && deleted.add(name));
  }
  return deleted;
}

export const messages: Command = (ctx) =>
  ctx.withSession(async (client) => {
    let groups: GroupView[] | null = null;
    let conversation: ConversationKey | undefined = ctx.args.peer;
    let label = ctx.args.peer === undefined ? null : safeLine(ctx.args.peer);
    if (ctx.args.group !== undefined) {
      const listed = await client.groups();
      groups = listed;
      const { id, view } = pickGroup(listed, ctx.args.group);
      conversation = groupKey(id);
      label = groupLabel(id, view?.name);
    }
    const headers = await client.recentMessages({ conversation, limit: ctx.args.limit ?? 50 });
    const views = (await readAll(client, headers.map((h) => h.id))).filter((v) => !isHidden(v));
    if (groups === null && views.some((v) => v.group)) groups = await client.groups();
    if (ctx.args.json) {
      ctx.out(safeJson(views.map(messageJson)));
      return finish(client, conversation, headers.at(-1)?.seq, views, ctx);
    }
    const me = (await client.currentAccount())!.username;
    const people = views.flatMap((v) => [v.sender, v.recipient ?? '']).filter((name) => name !== '' && name !== me);
    const deleted = await deletedAccounts(client, ctx.args.peer === undefined ? people : [ctx.args.peer, ...people]);
    if (views.length === 0) {
      const gone = ctx.args.peer !== undefined && deleted.has(ctx.args.peer) ? ` ${ACCOUNT_DELETED}` : '';
      ctx.out(label === null ? 'No messages yet.' : `No messages with ${label}${gone} yet.`);
    } else {
      const show = { groups: groupNames(groups ?? []), messages: await withReplyTargets(client, views), ids: ctx.args.ids, deletedAccounts: deleted };
      for (const view of views) ctx.out(formatMessage(view, show));
      const warned = views.filter((v) => v.warning).length;
      if (warned > 0) ctx.err(`WARNING: ${warned} message(s) above carry a group membership warning: ${[...new Set(views.filter((v) => v.warning).map((v) => whereTo(v, show.groups)))].join(', ')}.`);
    }
    return finish(client, conversation, headers.at(-1)?.seq, views, ctx);
  });

/** Marks the conversation read up to what was shown; the exit code of messages. */
async function finish(client: ChatClient, conversation: ConversationKey | undefined, lastSeq: number | undefined, views: MessageView[], ctx: CliContext): Promise<number> {
  if (conversation !== undefined && lastSeq !== undefined) await client.markRead(conversation, lastSeq);
  // A changed key is key trouble: exit 5, as for tampering (the warning itself went to stderr); so is a
  // message whose sender or recipients the group's announcements do not explain.
  if (ctx.keyChangeSeen || views.some((v) => v.status === 'key_changed' || v.warning)) return 5;
  return 0;
}
