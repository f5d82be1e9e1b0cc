// The ChatApi contract for groups and richer messages: what the window relies on from every implementation
// (the fake and the web adapter over a real server both run it, beside chat-api-contract.ts).
import { describe, expect, it } from 'vitest';
import { chatError, freshWorldEachTest, groupHeader, groupViewShape, messageViewShape, type ContractSetup, type ContractWorld } from './contract-world.js';

export function describeGroupContract(name: string, setup: ContractSetup): void {
  describe(`the ChatApi contract for groups and richer messages: ${name}`, () => {
    let w: ContractWorld;
    const id = () => crypto.randomUUID();

    freshWorldEachTest(setup, (world) => {
      w = world;
    });

    it('refuses group calls before sign-in, and bad group input with invalid_input', async () => {
      await chatError(w.api.groups(), 'locked');
      await chatError(w.api.createGroup({ name: 'Family', members: [w.third] }), 'locked');
      await w.api.login(w.me);
      await chatError(w.api.createGroup({ name: '  ', members: [w.third] }), 'invalid_input');
      await chatError(w.api.createGroup({ name: 'x'.repeat(101), members: [w.third] }), 'invalid_input');
      await chatError(w.api.createGroup({ name: 'Family', members: [] }), 'invalid_input');
      await chatError(w.api.createGroup({ name: 'Family', members: ['no such!'] }), 'invalid_input');
      await chatError(w.api.groupDetails('not-a-group'), 'invalid_input');
      await chatError(w.api.conversation({ conversation: 'group:nope' }), 'invalid_input');
      await chatError(w.api.changeGroupMembers({ group: crypto.randomUUID() }), 'invalid_input');
      await chatError(w.api.react({ target: id(), emoji: '', id: id() }), 'invalid_input');
      await chatError(w.api.react({ target: id(), emoji: '👍'.repeat(9), id: id() }), 'invalid_input');
    });

    it('makes a group that is listed, announced, written to, and read back', async () => {
      await w.api.login(w.me);
      const group = await w.api.createGroup({ name: '  Family ', members: [w.third.toUpperCase(), w.third] });
      const members = [w.me.username, w.third].sort();
      expect(group).toEqual(groupViewShape({ name: 'Family', members, owner: w.me.username, serverMembers: members, sending: 'ok', warnings: [] }));
      expect((await w.api.groups()).map((g) => g.id)).toContain(group.id);
      expect(await w.api.groupDetails(group.id)).toEqual(groupViewShape({ id: group.id, name: 'Family', members }));

      const sent = await w.api.send({ conversation: group.conversation, text: 'hello group', id: id() });
      expect(sent).toEqual({ ...messageViewShape(), ...groupHeader(group.id, { sender: w.me.username, outgoing: true }), text: 'hello group', status: 'verified', kind: 'message' });
      const page = await w.api.conversation({ conversation: group.conversation });
      expect(page.messages.at(-1)).toEqual(groupHeader(group.id, { id: sent.id, seq: sent.seq, timestamp: sent.timestamp, sender: w.me.username, outgoing: true }));
      const read = await w.api.readMessages(page.messages.map((m) => m.id));
      expect(read[0]).toMatchObject({ kind: 'announcement', status: 'verified', text: expect.stringContaining('Family') });
      expect(read.at(-1)).toEqual(sent);
      expect(await w.api.markRead(group.conversation, sent.seq)).toBeUndefined();
    });

    it('replies, edits, reacts and deletes, each answering the message as shown now', async () => {
      await w.api.login(w.me);
      const { conversation } = await w.api.createGroup({ name: 'Plans', members: [w.third] });
      const first = await w.api.send({ conversation, text: 'dinner at 7?', id: id() });
      const reply = await w.api.send({ conversation, text: 'or 8', id: id(), replyTo: first.id });
      expect(reply).toMatchObject({ replyTo: first.id, text: 'or 8' });
      expect(await w.api.editMessage({ target: first.id, text: 'dinner at 8?', id: id() })).toMatchObject({ id: first.id, text: 'dinner at 8?', edited: true });
      expect((await w.api.react({ target: first.id, emoji: '👍', id: id() })).reactions).toEqual([{ emoji: '👍', people: [w.me.username] }]);
      expect((await w.api.react({ target: first.id, emoji: '👍', remove: true, id: id() })).reactions).toEqual([]);
      expect(await w.api.deleteMessage({ target: first.id, id: id() })).toMatchObject({ id: first.id, deleted: 'by_sender', text: null });
      await chatError(w.api.editMessage({ target: first.id, text: 'again', id: id() }), 'invalid_input');
      await chatError(w.api.editMessage({ target: crypto.randomUUID(), text: 'nothing', id: id() }), 'not_found');
    });

    it('refuses to edit or delete someone else\'s message', async () => {
      await w.api.login(w.me);
      await w.peer.send('from the peer');
      const page = await w.api.conversation({ conversation: w.peer.username });
      const theirs = page.messages.at(-1)!;
      await chatError(w.api.editMessage({ target: theirs.id, text: 'mine now', id: id() }), 'invalid_input');
      await chatError(w.api.deleteMessage({ target: theirs.id, id: id() }), 'invalid_input');
      expect((await w.api.react({ target: theirs.id, emoji: '❤️', id: id() })).reactions).toEqual([{ emoji: '❤️', people: [w.me.username] }]);
    });

    it('leaves a group: it stays listed, and nothing more can be sent to it', async () => {
      await w.api.login(w.me);
      const group = await w.api.createGroup({ name: 'Short', members: [w.third] });
      expect(await w.api.leaveGroup(group.id)).toBeUndefined();
      expect(await w.api.groupDetails(group.id)).toMatchObject({ sending: 'not_a_member' });
      await chatError(w.api.send({ conversation: group.conversation, text: 'anyone?', id: id() }), 'forbidden');
    });
  });
}
