import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');

/** Every file under dist/ with its inode and modification time. */
function distFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(repo, 'dist'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const stat = statSync(path);
    files.set(path, `${stat.ino}:${stat.mtimeMs}`);
  }
  return files;
}

describe('npm run build', () => {
  it('leaves the files of dist/ alone when nothing changed, so that a running bot never reads one half-written', () => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo });
    const before = distFiles();
    expect(before.has(join(repo, 'dist', 'src', 'main.js'))).toBe(true);

    execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo });

    expect(distFiles()).toEqual(before);
  });
});
