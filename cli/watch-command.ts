// CLI side: watch — print messages as they arrive, changes to messages already printed ("↻ updated"), and
// group warnings (stderr, once each), until SIGINT/SIGTERM or the session ends for good.
import type { ChatClient } from '../core/client/chat-client.js';
import { ChatError } from '../core/api/errors.js';
import type { GroupView, MessageView } from '../core/api/view.js';
import { ConnectionReport, reconnectedLine } from './connection-report.js';
import { MissedMessages } from './missed-messages.js';
import type { CliContext, Command } from './context.js';
import { groupNames, groupWarningLines } from './group-format.js';
import { formatMessage, isHidden, type ShowOptions } from './message-format.js';
import { safeLine } from './output.js';

/** What watch knows to print lines well: group names, and the messages replies answer. */
class WatchState {
  readonly names = new Map<string, string | null>();
  /** The warnings last printed per group, so a group_changed that repeats them prints nothing. */
  readonly #warned = new Map<string, string>();
  readonly #client: ChatClient;
  readonly #ids: boolean;

  constructor(client: ChatClient, ids: boolean) {
    this.#client = client;
    this.#ids = ids;
  }

  async loadGroups(): Promise<void> {
    const groups = await this.#client.groups();
    for (const [id, name] of groupNames(groups)) this.names.set(id, name);
    // What stands already is said once at the start, like any later change.
    for (const group of groups) this.warningsOf(group);
  }

  /** The warning lines of `group` not printed yet for it (all of them when they changed). */
  warningsOf(group: GroupView): string[] {
    this.names.set(group.id, group.name);
    const lines = groupWarningLines(group);
    const key = lines.join('\n');
    if ((this.#warned.get(group.id) ?? '') === key) return [];
    this.#warned.set(group.id, key);
    return lines;
  }

  async show(view: MessageView): Promise<ShowOptions> {
    if (view.group && !this.names.has(view.group)) await this.loadGroups();
    const messages = new Map<string, MessageView>();
    if (view.replyTo) {
      const [target] = await this.#client.readMessages([view.replyTo]);
      if (target) messages.set(target.id, target);
    }
    return { groups: this.names, messages, ids: this.#ids };
  }
}

function problem(ctx: CliContext, what: string) {
  return (error: unknown) => ctx.err(`Could not ${what}: ${safeLine(error instanceof ChatError ? error.info.message : String(error))}`);
}

export const watch: Command = async (ctx) => {
  const client = await ctx.signedIn(true);
  const me = (await client.currentAccount())!.username;
  // Key log alarms go to standard error as they are raised (the sign-in's check, then hourly); those this
  // device already holds, first. They do not change watch's exit code.
  ctx.keyLog.live = true;
  const standing = await client.keyLog().catch(() => null);
  if (standing) ctx.keyLog.show(standing);
  const report = new ConnectionReport(me);
  const missed = new MissedMessages();
  const newestSeq = async () => (await client.recentMessages({ limit: 1 })).at(-1)?.seq ?? 0;
  const state = new WatchState(client, ctx.args.ids);
  // Lines are printed in the order their events came, each after the reading it needs.
  let printing = state.loadGroups().catch(problem(ctx, 'list your groups'));
  const queue = (step: () => Promise<void>, what: string) => {
    printing = printing.then(step).catch(problem(ctx, what));
  };
  client.onEvent((event) => {
    if (event.type === 'message') {
      missed.delivered(event.message.seq);
      queue(async () => {
        const [view] = await client.readMessages([event.message.id]);
        if (view && !isHidden(view)) ctx.out(formatMessage(view, await state.show(view)));
      }, 'read a message');
    } else if (event.type === 'message_updated') {
      queue(async () => {
        ctx.out(`↻ updated ${formatMessage(event.message, await state.show(event.message))}`);
      }, 'show a changed message');
    } else if (event.type === 'group_changed') {
      queue(async () => {
        for (const line of state.warningsOf(event.group)) ctx.err(line);
      }, 'show a group change');
    } else if (event.type === 'connection') {
      const change = report.change(event.state, event.detail);
      if (change === null) return;
      if ('reconnected' in change) {
        // Said after the missed messages' own lines, once the catch-up has fetched them.
        void missed.reconnected(newestSeq).then((count) => {
          if (count !== null) queue(async () => ctx.err(reconnectedLine(count)), 'report the reconnection');
        });
        return;
      }
      // Lost again before the reconnection was counted: it never held, and "Connection lost" was said already.
      if (change.lost && missed.lost()) return;
      ctx.err(change.line);
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
