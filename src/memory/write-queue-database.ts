import { checkpoint, openSqliteFile } from '../storage/sqlite-file.js';
import type { WaitingGroup } from './write-batching.js';

/** A job to put on disk. */
export interface NewJobRow {
  userId: string;
  /** Its messages and origin (see `encodeJobPayload`). */
  payload: string;
  createdAt: number;
  /** Its batching key (see `scopeKey`). */
  scope: string;
  /** Characters of its messages (see `messageChars`). */
  chars: number;
}

/** A waiting job as the worker reads it to write it. */
export interface QueuedJobRow {
  id: number;
  payload: string;
  /** Failed writes of it so far. */
  attempts: number;
  chars: number;
}

/** How many jobs are on disk, and the oldest and newest of them. */
export interface QueueDepth {
  depth: number;
  oldestCreatedAt: number | undefined;
  newestId: number | undefined;
}

/** A failed batch's jobs, to try again later. */
export interface Reschedule {
  ids: readonly number[];
  attempts: number;
  nextAttemptAt: number;
}

/** The queue's jobs in one SQLite file: each read and write the worker makes, each one statement or transaction. */
export interface WriteQueueDatabase {
  /** Puts one job on disk, due at once. */
  insert(job: NewJobRow): void;
  /** Each person's waiting jobs per scope, oldest group first. */
  waitingGroups(): WaitingGroup[];
  /** A group's oldest jobs, at most `limit`, oldest first. */
  oldestJobs(group: Pick<WaitingGroup, 'userId' | 'scope'>, limit: number): QueuedJobRow[];
  /** Deletes these jobs (those already gone are skipped). */
  deleteJobs(ids: readonly number[]): void;
  /** Deletes every job of `userId`; returns how many there were. */
  deleteUserJobs(userId: string): number;
  /** Records a failed attempt on these jobs; returns how many of them were still on disk. */
  reschedule(retry: Reschedule): number;
  depth(): QueueDepth;
  /** Clears the text of deleted jobs from the WAL (see `checkpoint`). */
  checkpoint(): void;
  close(): void;
}

/**
 * Opens (or creates) the queue's SQLite file (see `openSqliteFile`: an enqueued job survives the
 * process dying, kill -9 or a crash) and prepares its statements.
 */
export function openWriteQueueDatabase(path: string): WriteQueueDatabase {
  const db = openSqliteFile(path);
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS memory_write_jobs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      user_id TEXT NOT NULL,
      payload TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      scope TEXT NOT NULL,
      chars INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS memory_write_jobs_by_user ON memory_write_jobs (user_id, id);
    CREATE INDEX IF NOT EXISTS memory_write_jobs_by_scope ON memory_write_jobs (user_id, scope, id);`);
  } catch (error) {
    db.close();
    throw error;
  }

  const insertJob = db.prepare(
    `INSERT INTO memory_write_jobs (user_id, payload, created_at, attempts, next_attempt_at, scope, chars)
     VALUES (?, ?, ?, 0, ?, ?, ?)`,
  );
  // Only a group's oldest jobs may be written, which keeps each person's order within a scope.
  const selectGroups = db.prepare(
    `SELECT g.user_id AS userId, g.scope, g.head_id AS headId, g.waiting, g.chars,
            g.oldest_at AS oldestAt, j.next_attempt_at AS nextAttemptAt
     FROM (SELECT user_id, scope, MIN(id) AS head_id, COUNT(*) AS waiting,
                  TOTAL(chars) AS chars, MIN(created_at) AS oldest_at
           FROM memory_write_jobs GROUP BY user_id, scope) AS g
     JOIN memory_write_jobs AS j ON j.id = g.head_id
     ORDER BY g.head_id`,
  );
  const selectOldest = db.prepare(
    `SELECT id, payload, attempts, chars FROM memory_write_jobs
     WHERE user_id = ? AND scope = ? ORDER BY id LIMIT ?`,
  );
  const deleteJob = db.prepare('DELETE FROM memory_write_jobs WHERE id = ?');
  const deleteUserJobs = db.prepare('DELETE FROM memory_write_jobs WHERE user_id = ?');
  const rescheduleJob = db.prepare(
    'UPDATE memory_write_jobs SET attempts = ?, next_attempt_at = ? WHERE id = ?',
  );
  const selectDepth = db.prepare(
    'SELECT COUNT(*) AS depth, MIN(created_at) AS oldest, MAX(id) AS newest FROM memory_write_jobs',
  );
  const deleteJobs = db.transaction((ids: readonly number[]) => {
    for (const id of ids) deleteJob.run(id);
  });
  const reschedule = db.transaction(({ ids, attempts, nextAttemptAt }: Reschedule) => {
    let changed = 0;
    for (const id of ids) changed += rescheduleJob.run(attempts, nextAttemptAt, id).changes;
    return changed;
  });

  return {
    insert(job) {
      insertJob.run(job.userId, job.payload, job.createdAt, job.createdAt, job.scope, job.chars);
    },
    waitingGroups: () => selectGroups.all() as WaitingGroup[],
    oldestJobs: (group, limit) =>
      selectOldest.all(group.userId, group.scope, limit) as QueuedJobRow[],
    deleteJobs: (ids) => deleteJobs(ids),
    deleteUserJobs: (userId) => deleteUserJobs.run(userId).changes,
    reschedule: (retry) => reschedule(retry),
    depth() {
      const row = selectDepth.get() as {
        depth: number;
        oldest: number | null;
        newest: number | null;
      };
      return {
        depth: row.depth,
        oldestCreatedAt: row.oldest ?? undefined,
        newestId: row.newest ?? undefined,
      };
    },
    checkpoint: () => void checkpoint(db),
    close: () => db.close(),
  };
}
