// Entry point of encrypted-chat-admin (bin/encrypted-chat-admin.js runs the compiled dist/server/admin/main.js;
// from the sources: node --import tsx server/admin/main.ts). See admin-cli.ts and docs/deploy.md.
import { runAdmin } from './admin-cli.js';

process.exitCode = await runAdmin(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
});
