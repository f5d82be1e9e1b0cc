// CLI side: the --help text of the program and of every command.
import { GROUP_HELP } from './group-help.js';

export const COMMANDS = [
  'register', 'login', 'users', 'send', 'reply', 'edit', 'delete', 'react', 'messages', 'watch', 'group',
  'fingerprint', 'trust', 'disown', 'block', 'unblock', 'audit', 'key-log', 'passwd', 'sessions', 'logout', 'recovery',
  'recover', 'delete-account', 'send-file', 'get-file',
] as const;
export type CommandName = (typeof COMMANDS)[number];

export const GROUP_SUBCOMMANDS = ['create', 'list', 'show', 'add', 'remove', 'leave', 'rename', 'confirm'] as const;
export type GroupSubcommand = (typeof GROUP_SUBCOMMANDS)[number];

export const RECOVERY_SUBCOMMANDS = ['status', 'set', 'remove'] as const;
export type RecoverySubcommand = (typeof RECOVERY_SUBCOMMANDS)[number];

export const KEY_LOG_SUBCOMMANDS = ['accept', 'dismiss'] as const;

const GLOBAL = `Options for every command:
  --server URL          server address (or ENCRYPTED_CHAT_SERVER); https://, or http:// to this computer only
  --user NAME           your username (or ENCRYPTED_CHAT_USER)
  --password-file FILE  read your password from the first line of FILE
                        (else ENCRYPTED_CHAT_PASSWORD, else a hidden prompt)
  --ca-cert FILE        also trust this PEM certificate authority (or ENCRYPTED_CHAT_CA_CERT)
  --data-dir DIR        where pins and settings live (default: $XDG_CONFIG_HOME/encrypted-chat)
  -h, --help            show help
  -V, --version         print the program's version (encrypted-chat --version)`;

export const PROGRAM_HELP = `encrypted-chat — end-to-end encrypted chat in the terminal

Usage: encrypted-chat [--server URL] [--user NAME] <command> [arguments]

Commands:
  register [--invite CODE]
                        create an account (makes your encryption key)
  login                 check your password and remember server and user as defaults
  users [PREFIX]        list registered users
  send RECIPIENT [TEXT] send a message (TEXT from standard input when absent)
  send --group GROUP [TEXT]
                        send a message to a group
  send-file RECIPIENT FILE...
  send-file --group GROUP FILE...
                        send files, encrypted, in one message (--text CAPTION)
  get-file ID           save the files of message ID, verified (--out DIR, --index N)
  reply ID [TEXT]       answer message ID, in its conversation
  edit ID [TEXT]        give one of your messages new text
  delete ID             withdraw one of your messages for everyone
  react ID EMOJI        react to a message (--remove takes it back)
  messages              show your messages (--peer NAME, --group GROUP, --json, --limit N, --ids)
  watch                 print messages and changes as they arrive, until Ctrl-C (--ids)
  group ...             groups: create, list, show, add, remove, leave, rename, confirm
  fingerprint [NAME]    show your key fingerprint, or NAME's
  trust NAME            accept NAME's changed key after comparing key fingerprints
  disown NAME           say NAME's earlier keys were never NAME's (their messages then fail)
  block NAME            have the server refuse NAME's messages to you
  unblock NAME          undo block
  audit                 read the server's whole key log and check it reproduces the signed root
  key-log accept        accept the server's new log key (only when its operator said the log restarted)
  key-log dismiss ID    dismiss a key log alarm you have dealt with
  passwd                change your password
  sessions [revoke ID]  list your account's sessions (devices), or end one
  logout --everywhere   end every session of your account on the server (every device)
  recovery status       whether your account has a recovery code, since when, from which device
  recovery set          make a recovery code (shown once; --out FILE writes it to a new file)
  recovery remove       remove your recovery code
  recover               forgot your password: set a new one with your recovery code
  delete-account        delete your account on the server for good (the name stays taken)

${GLOBAL}

Exit codes: 0 done, 1 failed, 2 usage, 3 sign-in, 4 connection, 5 key change, tampering or a group
membership the announcements do not explain,
10-13 done, but the server's key log raised an alarm (printed on standard error after every command that
signs in): 10 the server shows different histories or an unsigned head, 11 a key registered in your name,
12 a contact's key the log does not hold or a second key in a contact's name, 13 a new log key;
14 (audit) the server keeps no key log,
130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM.

Run "encrypted-chat <command> --help" for a command's details.`;

const COMMAND_HELP: Record<CommandName, string> = {
  register: `Usage: encrypted-chat register --server URL --user NAME [--invite CODE]

Creates an account: makes an RSA-4096 key pair, seals its private half with your password and registers
the public half. Asks for the password twice when it comes from the prompt. Server and user become the
defaults for later commands. A server that takes no new accounts is reported before the password is asked.
  --invite CODE  the invite code the server's operator gave you, for a server that takes new accounts by
                 invitation only (or ENCRYPTED_CHAT_INVITE); each code works once`,
  login: `Usage: encrypted-chat login --server URL --user NAME

Signs in once to check the password and unlock your key, pins your own key on this device, and remembers
server and user as defaults. Every other command signs in by itself; no token is kept on disk.`,
  users: `Usage: encrypted-chat users [PREFIX]

Lists registered users (up to 50), optionally only those whose name starts with PREFIX. Needs no password.`,
  send: `Usage: encrypted-chat send RECIPIENT [TEXT]
       encrypted-chat send --group GROUP [TEXT]

Encrypts TEXT for RECIPIENT (or for every member of GROUP) and sends it. Without TEXT, reads the message
from standard input (then the password must come from ENCRYPTED_CHAT_PASSWORD or --password-file). A
message that could not be sent is kept and sent again, byte for byte, by the next send.
  --group GROUP  a group id, the start of one, or the group's exact name (see "encrypted-chat group list")
  --json         print the message sent as JSON (the fields of "messages --json")`,
  'send-file': `Usage: encrypted-chat send-file RECIPIENT FILE... [--text CAPTION]
       encrypted-chat send-file --group GROUP FILE... [--text CAPTION]

Encrypts each FILE (1 to 10) with a key of its own, uploads it, then sends one message naming them, to
RECIPIENT or to every member of GROUP. Files are read from disk as they are sent, never whole into memory.
A progress bar goes to standard error on a terminal. A file above the server's limit is refused.
  --text CAPTION  a caption sent with the files
  --group GROUP   a group id, the start of one, or the group's exact name
  --json          print the message sent as JSON (the fields of "messages --json", with its files)`,
  'get-file': `Usage: encrypted-chat get-file MESSAGE-ID [--out DIR] [--index N]

Downloads the files of message MESSAGE-ID (or only its Nth, from 1) into DIR (default: the current folder),
each under its safe name (never over an existing file: "name (1).ext" then). Each file is written to a
temporary file and renamed only after its digest, every part and its length verified; a file that fails is
deleted, its reason said, and the exit code is 6. A progress bar goes to standard error on a terminal.
  --out DIR     the folder to save into
  --index N     only the Nth file of the message
  --json        print {message, saved: [{name, path, size}]} as JSON`,
  reply: `Usage: encrypted-chat reply ID [TEXT]

Sends TEXT as a reply to message ID (see "messages --ids"), in the conversation that message belongs to:
the person, or the group. Without TEXT, reads the reply from standard input.
  --json   print the reply as JSON`,
  edit: `Usage: encrypted-chat edit ID [TEXT]

Gives one of your own messages new text; everyone then sees the new text, marked "(edited)". Without TEXT,
reads it from standard input.
  --json   print the edited message as JSON`,
  delete: `Usage: encrypted-chat delete ID

Withdraws one of your own messages for everyone: a signed "delete" goes to the conversation, then the server
erases the message. Others then see "(deleted)"; a message the server erased without such a delete shows as
"(removed by the server)".
  --json   print the deleted message as JSON`,
  react: `Usage: encrypted-chat react ID EMOJI [--remove]

Reacts to message ID with EMOJI (one emoji, at most 32 bytes); one reaction per person and emoji.
  --remove  take your reaction with EMOJI back
  --json    print the message as JSON, its reactions included`,
  messages: `Usage: encrypted-chat messages [--peer NAME | --group GROUP] [--json] [--limit N] [--ids]

Shows your newest messages (default 50), oldest first, decrypted and verified; with --peer only the
conversation with NAME, with --group only that group's. A message that fails decryption or verification is
shown as failed with the reason, never with its text. Lines look like
  [2026-11-25 12:00] alice → bob: text
  [2026-11-25 12:00] alice → #Family (edited): text
  [2026-11-25 12:00] #Family: * alice added carol
followed by "↪ reply to …", reactions ("👍 2 (bob, carol)") and the sender's clock when it was far off.
Edits, deletes and reactions show on the message they change; one that failed is shown as failed. A group
message whose sender or recipients differ from the announced membership carries a WARNING.
Exits with 5 when a contact's key has changed (the warning goes to standard error) or a message shown
carries a membership warning.
  --peer NAME    only the conversation with NAME
  --group GROUP  only the conversation of GROUP (an id, the start of one, or its exact name)
  --json         one JSON array of {id, sender, recipient, group, conversation, timestamp, kind, text,
                 status, reason, replyTo, edited, deleted, reactions, senderClock, warning}; status is
                 "verified" or the failure code, text is null on failure or when deleted
  --limit N      how many (1 to 999)
  --ids          print each message's id (for reply, edit, delete and react)`,
  watch: `Usage: encrypted-chat watch [--ids]

Stays connected and prints each message as it arrives (sent or received), until Ctrl-C (exit 130) or
SIGTERM (exit 143). Messages that arrived since the last watch on this device are printed first. A message
that is edited, deleted or reacted to is printed again, as a line starting with "↻ updated". Group
warnings (a member the server lists but no member announced, …) go to standard error, once each. A lost
connection is reported once ("Connection lost, reconnecting…"), and once more when it is back
("Reconnected (2 missed messages fetched)": the messages its catch-up fetched, printed above it).
  --ids   print each message's id`,
  group: GROUP_HELP,
  fingerprint: `Usage: encrypted-chat fingerprint [NAME]

Without NAME: your own key fingerprint. With NAME: the key fingerprint of NAME's key as pinned on this device
(pinned on first use), and a warning when the server now shows a different key. Compare key fingerprints with
the person over another channel. Then what the server's public key log says of the key the server shows:
confirmed, refused (with the reason; exit 5: do not send NAME anything), or that the server keeps no log.
Exits with 1 when the server shows another key than the pinned one.`,
  audit: `Usage: encrypted-chat audit [--json]

Reads the server's whole public key log (every entry, from the first), recomputes its Merkle root and
checks it against the newest signed head, after checking that head's signature with the log key this
device pinned, and its consistency with the head this device kept. It also looks for a key registered in
your name that is not yours, and a second key in the name of anyone you have pinned. Prints the log's size,
how many entries were checked, the log key's fingerprint, and either "The log checks out" or each alarm.
Exit codes: 0 the log checks out (a head over an hour old is a warning on standard error, still 0);
10 different histories (a fork), a head the log key did not sign, or a proof the server would not give;
11 a key in your name; 12 a contact's key the log does not hold, or a second key in a contact's name;
13 the log is signed with a new key ("encrypted-chat key-log accept"); 14 the server keeps no key log.
Several alarms: the smallest of their codes. Alarms stay on this device until dismissed
("encrypted-chat key-log dismiss ID").
  --json   print the log as this device sees it: {available, size, checkedSize, logKeyFingerprint,
           offeredKeyFingerprint, alarms: [{id, kind, username, message, raisedAt}]}`,
  'key-log': `Usage: encrypted-chat key-log accept [--json]
       encrypted-chat key-log dismiss ID [--json]

Every command that signs in checks the server's public key log and prints its alarms on standard error,
each with its ID; they stay on this device until you deal with them.
  key-log accept      the log is now signed with another key: accept it, and follow the log afresh from it.
                      Only do this when the server's operator told you the log was started again; until
                      then this device takes no new key from the server. Prints the new log key.
  key-log dismiss ID  you dealt with alarm ID (told the people you write to, compared keys in person): it is
                      no longer reported. An alarm whose cause is still there is raised again. A new log key
                      is not dismissed but accepted.
  --json              print the log as this device sees it afterwards (the fields of "audit --json")`,
  trust: `Usage: encrypted-chat trust NAME

Accepts the key the server now shows for NAME, replacing the pinned one. Only do this after comparing the
new key fingerprint with NAME in person or over another channel. The replaced key is kept as an earlier key;
if it was never NAME's (someone else's key was pinned), run "encrypted-chat disown NAME".`,
  disown: `Usage: encrypted-chat disown NAME

Marks every earlier key of NAME on this device (keys trusted before the pinned one) as never NAME's:
messages signed with them are then shown as failed (disowned_key) instead of verified. Use it when the key
you replaced with "trust" belonged to someone pretending to be NAME.`,
  block: `Usage: encrypted-chat block NAME

Blocks NAME: the server refuses NAME's messages to you from now on. Undo with "encrypted-chat unblock NAME".`,
  unblock: `Usage: encrypted-chat unblock NAME

Unblocks NAME: their messages reach you again.`,
  passwd: `Usage: encrypted-chat passwd

Changes your password: your private key is sealed again under the new password, and every older session
ends. The current password comes from the usual sources (the prompt says "Current password:"); the new one
from ENCRYPTED_CHAT_NEW_PASSWORD, --new-password-file FILE, or a hidden prompt (asked twice). The new one must
be hard to guess (the window's rule: zxcvbn strength 3 of 4 or more); a weak one is refused, with why, before
it is asked the second time.`,
  sessions: `Usage: encrypted-chat sessions [--json]
       encrypted-chat sessions revoke ID

Lists the sessions of your account on the server, one per signed-in device (the desktop app, browsers, a
running watch), with when each began and was last seen; the one of this command is marked "this command".
"revoke ID" ends that session: its device has to sign in again. Each command signs in for itself and ends
its own session when it is done, so a terminal shows up here only while a command runs.`,
  logout: `Usage: encrypted-chat logout --everywhere

  --everywhere  sign in, then end every session of your account on the server: every device (the desktop
                app, browsers, a running watch) has to sign in again

Without --everywhere there is nothing to end: each command signs in for itself and keeps no session here.`,
  recovery: `Usage: encrypted-chat recovery status [--json]
       encrypted-chat recovery set [--out FILE]
       encrypted-chat recovery remove

A recovery code lets you set a new password when you forgot yours ("encrypted-chat recover"), and read
your messages again. Anyone with the code and your username can do the same: keep it offline.
  recovery status   whether a code is set, since when and from which device (--json: {set, setAt, device})
  recovery set      asks your password, makes a new code and prints it ONCE. It replaces any earlier code,
                    and every other device of your account is signed out.
  recovery remove   asks your password and removes the code: a forgotten password then cannot be recovered
  --out FILE        (recovery set) write the code to FILE instead of the terminal: a new file, readable only
                    by you (mode 0600); an existing file is never overwritten
  --json            (recovery status) print the status as JSON`,
  recover: `Usage: encrypted-chat recover --server URL --user NAME [--code-file FILE] [--new-password-file FILE]

Forgot your password: the recovery code opens your key, and it is sealed again under a new password.
Your messages stay readable; every other session of your account ends. The code is used up by this: make
a new one afterwards with "encrypted-chat recovery set".
The recovery code comes from ENCRYPTED_CHAT_RECOVERY_CODE, --code-file FILE (a file holding the code, such
as the one "recovery set --out" wrote), or a hidden prompt; the new password from
ENCRYPTED_CHAT_NEW_PASSWORD, --new-password-file FILE, or a hidden prompt (asked twice).
  --code-file FILE          read the recovery code from FILE
  --new-password-file FILE  read the new password from the first line of FILE`,
  'delete-account': `Usage: encrypted-chat delete-account [--yes-delete-my-account NAME]

Deletes your account on the server for good: your key, sessions and recovery code are erased and you leave
every group. The name stays taken: nobody can register it again. Messages already delivered stay with the
people you wrote to. Asks your password, then asks you to type your username to confirm.
  --yes-delete-my-account NAME  confirm without the question (needed when not run in a terminal); NAME must
                                be the account's username`,
};

export function commandHelp(command: CommandName): string {
  return `${COMMAND_HELP[command]}\n\n${GLOBAL}`;
}
