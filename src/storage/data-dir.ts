import { join } from 'node:path';
import { makePrivateDir } from './private-files.js';
import { removeSqliteFile } from './sqlite-file.js';

// Files earlier versions kept in DATA_DIR that hold people's text and that nothing reads any
// more: mem0's history store (the text of every memory, deleted ones included), used by the
// open-source backend before it was turned off.
const legacyFilesWithText = ['history.db'];

/** Makes DATA_DIR private (0700, created if missing) and removes the files of earlier versions that hold text nothing uses. */
export function prepareDataDir(dataDir: string): void {
  makePrivateDir(dataDir);
  for (const file of legacyFilesWithText) removeSqliteFile(join(dataDir, file));
}
