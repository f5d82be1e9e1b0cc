// CLI side: "group" and its commands — create, list, show, add, remove, leave, rename and confirm.
import type { ChatClient } from '../core/client/chat-client.js';
import type { GroupView } from '../core/api/view.js';
import { membersChangeSchema } from '../core/api/schemas.js';
import type { CliContext, Command } from './context.js';
import { groupDetailLines, groupJson, groupListLine, groupWarningLines, hasLoudWarning, labelOf } from './group-format.js';
import { resolveGroup } from './group-resolve.js';
import type { GroupSubcommand } from './help.js';
import { safeJson, safeLine } from './output.js';
import { check } from './usage.js';

function names(list: readonly string[]): string {
  return list.map(safeLine).join(', ');
}

/** The group as JSON, or `line` and its warnings (on stderr, so stdout stays the result). */
function report(ctx: CliContext, group: GroupView, line: string): void {
  if (ctx.args.json) {
    ctx.out(safeJson(groupJson(group)));
    return;
  }
  ctx.out(line);
  for (const warning of groupWarningLines(group)) ctx.err(warning);
}

/** Runs `work` signed in, with the group the first argument names. */
function onGroup(work: (client: ChatClient, id: string, ctx: CliContext, before: GroupView | null) => Promise<number>): Command {
  return (ctx) =>
    ctx.withSession(async (client) => {
      const { id, view } = await resolveGroup(client, ctx.args.positionals[0]!);
      return work(client, id, ctx, view);
    });
}

const create: Command = (ctx) =>
  ctx.withSession(async (client) => {
    const [name, ...members] = ctx.args.positionals;
    const group = await client.createGroup({ name: name!, members });
    report(ctx, group, `Created ${labelOf(group)} (id ${safeLine(group.id)}) with ${names(group.members)}.`);
    return 0;
  });

const list: Command = (ctx) =>
  ctx.withSession(async (client) => {
    const groups = await client.groups();
    if (ctx.args.json) ctx.out(safeJson(groups.map(groupJson)));
    else if (groups.length === 0) ctx.out('You are in no groups yet (make one with "encrypted-chat group create NAME MEMBER...").');
    else for (const group of groups) ctx.out(groupListLine(group));
    return 0;
  });

const show = onGroup(async (client, id, ctx) => {
  const group = await client.groupDetails(id);
  if (ctx.args.json) ctx.out(safeJson(groupJson(group)));
  else for (const line of groupDetailLines(group)) ctx.out(line);
  // A server list no announcement explains is tampering until the group says otherwise.
  return hasLoudWarning(group) ? 5 : 0;
});

function changeMembers(kind: 'add' | 'remove'): Command {
  return onGroup(async (client, id, ctx) => {
    const people = ctx.args.positionals.slice(1);
    const group = await client.changeGroupMembers(check(membersChangeSchema, { group: id, [kind]: people }, 'USER'));
    const verb = kind === 'add' ? `Added ${names(people)} to` : `Removed ${names(people)} from`;
    report(ctx, group, `${verb} ${labelOf(group)}. Members now: ${names(group.members)}.`);
    return 0;
  });
}

const leave = onGroup(async (client, id, ctx, before) => {
  await client.leaveGroup(id);
  const label = before ? labelOf(before) : `#${safeLine(id)}`;
  if (ctx.args.json) ctx.out(safeJson({ group: id, left: true }));
  else ctx.out(`You left ${label}. The other members were told.`);
  return 0;
});

const rename = onGroup(async (client, id, ctx, before) => {
  const group = await client.renameGroup({ group: id, name: ctx.args.positionals[1]! });
  report(ctx, group, `Renamed ${before ? labelOf(before) : `#${safeLine(id)}`} to ${labelOf(group)}.`);
  return 0;
});

const confirm = onGroup(async (client, id, ctx) => {
  const before = await client.groupDetails(id);
  const unexplained = before.warnings.filter((w) => w.code === 'unannounced_member').map((w) => w.user);
  const group = await client.confirmGroupMembers(id);
  const accepted = unexplained.length > 0 ? `Accepted on this device, as members of ${labelOf(group)}: ${names(unexplained)}.` : `${labelOf(group)}: nothing was waiting for confirmation.`;
  report(ctx, group, `${accepted} Members now: ${names(group.members)}.`);
  return 0;
});

const GROUP_COMMANDS: Record<GroupSubcommand, Command> = {
  create,
  list,
  show,
  add: changeMembers('add'),
  remove: changeMembers('remove'),
  leave,
  rename,
  confirm,
};

export const group: Command = (ctx) => GROUP_COMMANDS[ctx.args.subcommand!](ctx);
