// Turns DATABASE_URL into what Sequelize needs. Only sqlite: and postgres: URLs are accepted.
import path from 'node:path';

export type DatabaseTarget =
  | { dialect: 'sqlite'; storage: string }
  | { dialect: 'postgres'; url: string };

/** `sqlite:data/chat.sqlite` (relative to the working directory), `sqlite:/abs/file`, `sqlite:///abs/file`, `postgres://…`. */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    let file = url.slice('sqlite:'.length);
    if (file.startsWith('///')) file = file.slice(2);
    else if (file.startsWith('//')) throw new Error('sqlite URLs take a path: sqlite:data/chat.sqlite or sqlite:///absolute/path');
    if (file === '') throw new Error('sqlite URL has no file path');
    if (file === ':memory:') throw new Error('an in-memory SQLite database would lose every message on restart; give a file');
    return { dialect: 'sqlite', storage: path.resolve(cwd, file) };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    try {
      new URL(url);
    } catch {
      throw new Error('is not a valid postgres:// URL');
    }
    return { dialect: 'postgres', url };
  }
  throw new Error('must start with sqlite: or postgres://');
}
