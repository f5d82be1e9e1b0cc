// CLI side: how messages and fingerprints are printed. Message text is printed as text, with control
// characters (terminal escape sequences a sender could use to repaint the screen) made visible.
import type { MessageView } from '../core/client/view.js';

export function safeText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function when(timestamp: string): string {
  return timestamp ? timestamp.replace('T', ' ').slice(0, 19) : '????-??-?? ??:??:??';
}

export function formatMessage(view: MessageView): string {
  const head = `[${when(view.timestamp)}] ${view.sender || '?'} → ${view.recipient || '?'}`;
  if (view.status === 'verified') {
    const lines = safeText(view.text ?? '').split('\n');
    return `${head}: ${lines.join('\n    ')}`;
  }
  return `${head}: ✗ NOT VERIFIED (${view.status}): ${view.reason ?? ''}`;
}

export function messageJson(view: MessageView) {
  const verified = view.status === 'verified';
  return {
    id: view.id,
    sender: view.sender,
    recipient: view.recipient,
    timestamp: view.timestamp,
    text: verified ? view.text : null,
    status: view.status,
    reason: verified ? null : view.reason,
  };
}
