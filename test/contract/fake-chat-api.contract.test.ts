// The ChatApi contract run against the window's fake (renderer/test/fake-chat-api.ts), so the ~60 component
// tests that use it rest on the same behaviour as the real adapters.
import { FakeChatApi } from '../../renderer/test/fake-chat-api.js';
import { describeChatApiContract } from './chat-api-contract.js';
import { describeGroupContract } from './group-contract.js';
import { describeAccountContract } from './account-contract.js';
import { describeAttachmentContract } from './attachment-contract.js';
import { describePreviewContract } from './preview-contract.js';

let run = 0;

const setup: Parameters<typeof describeChatApiContract>[1] = async () => {
  run++;
  const [me, peer, third] = ['me', 'peer', 'third'].map((who) => `f${run}_${who}`) as [string, string, string];
  const password = 'a fine password 1';
  // Someone outside the prefix, so a prefix search has something to leave out.
  const api = new FakeChatApi({ users: [me, peer, third, `g${run}_other`], password });
  return {
    api,
    me: { username: me, password },
    peer: { username: peer, send: async (text) => void api.receive(peer, text) },
    third,
    nobody: `n${run}_nobody`,
    prefix: `f${run}_`,
    opened: api.opened,
    signInElsewhere: async (device) => {
      api.otherDevices.push({ id: crypto.randomUUID(), name: device, signedInAt: Date.now(), lastSeenAt: Date.now(), current: false });
    },
    close: async () => undefined,
  };
};

describeChatApiContract('the window’s fake', setup);
describeGroupContract('the window’s fake', setup);
describeAccountContract('the window’s fake', setup);
describeAttachmentContract('the window’s fake', setup);
describePreviewContract('the window’s fake', setup);
