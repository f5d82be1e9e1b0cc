// Window: the groups the person is in (or was), as the core verified them, kept fresh by group_changed events;
// and the changes a person makes to one. Every change answers the group as it is now, which replaces the
// listed one; a failure is answered as the error to show where it was made.
import type { ChatApi, ChatErrorInfo, ChatEvent, ConversationKey, GroupView, NewGroup } from '../../../core/api/chat-api.js';
import { groupKey } from '../../../core/api/conversation-key.js';
import { toChatErrorInfo } from '../../../core/api/errors.js';

export type GroupResult = { ok: true; group: GroupView } | { ok: false; error: ChatErrorInfo };

export class GroupsState {
  list = $state<GroupView[]>([]);
  error = $state<ChatErrorInfo | null>(null);

  readonly #api: ChatApi;
  readonly #self: () => string | null;
  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;

  constructor(api: ChatApi, self: () => string | null) {
    this.#api = api;
    this.#self = self;
  }

  get totalUnread(): number {
    return this.list.reduce((sum, g) => sum + g.unread, 0);
  }

  byKey(key: ConversationKey): GroupView | null {
    return this.list.find((g) => g.conversation === key) ?? null;
  }

  /** Reloads the list; calls that arrive while one runs are folded into one more run. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#refreshAgain = false;
        try {
          this.list = await this.#api.groups();
          this.error = null;
        } catch (error) {
          this.error = toChatErrorInfo(error);
        }
      } while (this.#refreshAgain);
      this.#refreshing = null;
    })();
    return this.#refreshing;
  }

  handleEvent(event: ChatEvent): void {
    if (event.type === 'group_changed') this.#put(event.group);
    else if ((event.type === 'message' && event.message.group !== null) || event.type === 'read_elsewhere') void this.refresh();
  }

  /** The open group conversation was read up to its newest message. */
  markedRead(key: ConversationKey): void {
    this.list = this.list.map((g) => (g.conversation === key ? { ...g, unread: 0 } : g));
  }

  /** Fetches one group again (its server list compared anew); a failure is kept for the conversation to show. */
  async load(group: string): Promise<ChatErrorInfo | null> {
    return this.#result(await this.#run(() => this.#api.groupDetails(group)));
  }

  create(group: NewGroup): Promise<GroupResult> {
    return this.#run(() => this.#api.createGroup(group));
  }

  async addMembers(group: string, names: string[]): Promise<ChatErrorInfo | null> {
    return this.#result(await this.#run(() => this.#api.changeGroupMembers({ group, add: names })));
  }

  async removeMember(group: string, name: string): Promise<ChatErrorInfo | null> {
    return this.#result(await this.#run(() => this.#api.changeGroupMembers({ group, remove: [name] })));
  }

  async rename(group: string, name: string): Promise<ChatErrorInfo | null> {
    return this.#result(await this.#run(() => this.#api.renameGroup({ group, name })));
  }

  async confirmMembers(group: string): Promise<ChatErrorInfo | null> {
    return this.#result(await this.#run(() => this.#api.confirmGroupMembers(group)));
  }

  /** Leaves the group; it stays listed (its messages stay readable) as one the person is no longer in. */
  async leave(group: string): Promise<ChatErrorInfo | null> {
    try {
      await this.#api.leaveGroup(group);
    } catch (error) {
      return toChatErrorInfo(error);
    }
    const me = this.#self();
    const left = this.byKey(groupKey(group));
    if (left && left.sending !== 'not_a_member') {
      this.#put({ ...left, members: left.members.filter((m) => m !== me), sending: 'not_a_member', warnings: [] });
    }
    void this.refresh();
    return null;
  }

  async #run(change: () => Promise<GroupView>): Promise<GroupResult> {
    try {
      const group = await change();
      this.#put(group);
      return { ok: true, group };
    } catch (error) {
      return { ok: false, error: toChatErrorInfo(error) };
    }
  }

  #result(result: GroupResult): ChatErrorInfo | null {
    return result.ok ? null : result.error;
  }

  #put(group: GroupView): void {
    const at = this.list.findIndex((g) => g.id === group.id);
    this.list = at < 0 ? [group, ...this.list] : this.list.map((g, i) => (i === at ? group : g));
  }
}
