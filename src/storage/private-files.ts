import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync } from 'node:fs';

/** Creates `path` (and missing parents) readable by this user only (0700), or tightens it to that. */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder's mode alone (an earlier version made it 0755).
  chmodSync(path, 0o700);
}

/**
 * Opens `path` (`flags` as for `fs.openSync`, default append) readable by this user only (0600):
 * created with that mode, or an existing file tightened to it. Returns the descriptor.
 */
export function openPrivateFile(path: string, flags = 'a'): number {
  const fd = openSync(path, flags, 0o600);
  fchmodSync(fd, 0o600);
  return fd;
}

/** Creates `path` empty (0600) if missing, or tightens an existing file to 0600. */
export function makePrivateFile(path: string): void {
  closeSync(openPrivateFile(path));
}
