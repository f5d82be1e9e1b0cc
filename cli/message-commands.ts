// CLI side: the message commands — send, messages (read the recent ones) and watch (print them live).
import type { ChatClient } from '../core/client/chat-client.js';
import { ChatError } from '../core/api/errors.js';
import type { MessageView } from '../core/api/view.js';
import { MAX_READ_BATCH } from '../core/api/schemas.js';
import { ConnectionReport } from './connection-report.js';
import type { Command } from './context.js';
import { formatMessage, messageJson, safeJson, safeLine } from './output.js';
import { readStdinText } from './terminal.js';

export const send: Command = async (ctx) => {
  const recipient = ctx.args.positionals[0]!;
  let text = ctx.args.positionals[1];
  return ctx.withSession(async (client) => {
    const pending = await client.resendPending();
    if (pending.sent.length > 0) ctx.err(`Sent ${pending.sent.length} message(s) that were waiting from an earlier failure.`);
    for (const r of pending.refused) ctx.err(`A waiting message to ${safeLine(r.recipient)} was refused by the server and dropped: ${safeLine(r.reason)}`);
    text ??= await readStdinText(ctx.io);
    const sent = await client.send({ recipient, text, id: client.newMessageId() });
    ctx.out(`Sent to ${safeLine(sent.recipient)} at ${safeLine(sent.timestamp)} (id ${safeLine(sent.id)}).`);
    return 0;
  });
};

async function readAll(client: ChatClient, ids: string[]): Promise<MessageView[]> {
  const views: MessageView[] = [];
  for (let i = 0; i < ids.length; i += MAX_READ_BATCH) views.push(...(await client.readMessages(ids.slice(i, i + MAX_READ_BATCH))));
  return views;
}

export const messages: Command = (ctx) =>
  ctx.withSession(async (client) => {
    const headers = await client.recentMessages({ peer: ctx.args.peer, limit: ctx.args.limit ?? 50 });
    const views = await readAll(client, headers.map((h) => h.id));
    if (ctx.args.json) {
      ctx.out(safeJson(views.map(messageJson)));
    } else if (views.length === 0) {
      ctx.out(ctx.args.peer ? `No messages with ${ctx.args.peer} yet.` : 'No messages yet.');
    } else {
      for (const view of views) ctx.out(formatMessage(view));
    }
    const last = headers.at(-1);
    if (ctx.args.peer && last) await client.markRead(ctx.args.peer, last.seq);
    // A changed key is key trouble: exit 5, as for tampering (the warning itself went to stderr).
    if (ctx.keyChangeSeen || views.some((v) => v.status === 'key_changed')) return 5;
    return 0;
  });

export const watch: Command = async (ctx) => {
  const client = await ctx.signedIn(true);
  const me = (await client.currentAccount())!.username;
  const report = new ConnectionReport(me);
  let printing = Promise.resolve();
  client.onEvent((event) => {
    if (event.type === 'message') {
      printing = printing.then(async () => {
        const [view] = await client.readMessages([event.message.id]);
        if (view) ctx.out(formatMessage(view));
      }).catch((error: unknown) => {
        ctx.err(`Could not read a message: ${safeLine(error instanceof ChatError ? error.info.message : String(error))}`);
      });
    } else if (event.type === 'connection') {
      const line = report.line(event.state, event.detail);
      if (line !== null) ctx.err(line);
    }
  });
  // SIGINT/SIGTERM are handled once, by the entry point: it aborts ctx.io.signal and runCli closes the client.
  const ended = new Promise<number>((resolve) => {
    client.onEvent((event) => {
      if (event.type === 'signed_out') {
        ctx.err(safeLine(event.reason));
        resolve(3);
      }
    });
  });
  await client.startLive();
  const code = await ended;
  await printing;
  await client.close();
  return code;
};
