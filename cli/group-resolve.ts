// CLI side: which group a person means by GROUP — its id, a unique start of its id, or its exact (verified)
// name when no other group has it. Several matches are a usage error (exit 2) that lists them; none is not_found.
import type { ChatClient } from '../core/client/chat-client.js';
import { ChatError } from '../core/api/errors.js';
import type { GroupView } from '../core/api/view.js';
import { groupIdSchema } from '../core/api/schemas.js';
import { labelOf } from './group-format.js';
import { safeLine } from './output.js';
import { UsageError } from './usage.js';

export interface ResolvedGroup {
  id: string;
  /** The group as groups() listed it; null for a full id this device does not list (the core decides then). */
  view: GroupView | null;
}

/** The group `ref` names among `groups`. */
export function pickGroup(groups: readonly GroupView[], ref: string): ResolvedGroup {
  const exact = groups.find((g) => g.id === ref.toLowerCase());
  if (exact) return { id: exact.id, view: exact };
  const prefix = /^[0-9a-f-]+$/i.test(ref) ? ref.toLowerCase() : null;
  const matches = groups.filter((g) => g.name === ref || (prefix !== null && g.id.startsWith(prefix)));
  if (matches.length === 1) return { id: matches[0]!.id, view: matches[0]! };
  if (matches.length > 1) {
    const which = matches.map((g) => `${labelOf(g)} ${safeLine(g.id)}`).join(', ');
    throw new UsageError(`"${ref}" could be ${matches.length} groups: ${which}; give more of the id`);
  }
  // A full id this device does not list (e.g. just added, before any announcement): the core decides.
  if (groupIdSchema.safeParse(ref.toLowerCase()).success) return { id: ref.toLowerCase(), view: null };
  throw new ChatError('not_found', `You are in no group "${ref}" (run "encrypted-chat group list").`);
}

/** Lists the groups and picks the one `ref` names. */
export async function resolveGroup(client: ChatClient, ref: string): Promise<ResolvedGroup & { groups: GroupView[] }> {
  const groups = await client.groups();
  return { ...pickGroup(groups, ref), groups };
}
