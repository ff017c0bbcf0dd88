import { checkpoint, openSqliteFile } from '../storage/sqlite-file.js';
import type { WaitingGroup } from './write-batching.js';
import type { DeadLetterReason } from './write-queue-bounds.js';

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
  createdAt: number;
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

/** Jobs to take out of the queue unwritten, kept a while for an operator to see that they failed. */
export interface DeadLetterMove {
  ids: readonly number[];
  reason: DeadLetterReason;
  failedAt: number;
  /** The attempts to record for each; undefined keeps each job's own count. */
  attempts: number | undefined;
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
  /** The ids of the oldest jobs, at most `limit`, oldest first. */
  oldestJobIds(limit: number): number[];
  /** Moves these jobs to the dead letters in one transaction; returns how many were still on disk to move. */
  moveToDeadLetters(move: DeadLetterMove): number;
  /** Deletes every dead letter of `userId`; returns how many there were. */
  deleteUserDeadLetters(userId: string): number;
  /** Deletes the dead letters that failed before `failedBefore`; returns how many there were. */
  deleteDeadLettersFailedBefore(failedBefore: number): number;
  /** Rows in the dead-letter table. */
  deadLetterCount(): number;
  /** Clears the text of deleted jobs and dead letters from the WAL (see `checkpoint`). */
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
    CREATE INDEX IF NOT EXISTS memory_write_jobs_by_scope ON memory_write_jobs (user_id, scope, id);
    CREATE TABLE IF NOT EXISTS memory_write_dead_letters (
      id INTEGER PRIMARY KEY,
      user_id TEXT NOT NULL,
      payload TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL,
      failed_at INTEGER NOT NULL,
      reason TEXT NOT NULL CHECK (reason IN ('attempts', 'age', 'overflow'))
    );
    CREATE INDEX IF NOT EXISTS memory_write_dead_letters_by_user ON memory_write_dead_letters (user_id);
    CREATE INDEX IF NOT EXISTS memory_write_dead_letters_by_failure ON memory_write_dead_letters (failed_at);`);
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
    `SELECT id, payload, attempts, chars, created_at AS createdAt FROM memory_write_jobs
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
  const selectOldestIds = db
    .prepare('SELECT id FROM memory_write_jobs ORDER BY id LIMIT ?')
    .pluck();
  // A dead letter keeps its job's id (AUTOINCREMENT never reuses one), so that log lines about a
  // job and its dead letter name the same id.
  const copyToDeadLetters = db.prepare(
    `INSERT INTO memory_write_dead_letters (id, user_id, payload, created_at, attempts, failed_at, reason)
     SELECT id, user_id, payload, created_at, COALESCE(?, attempts), ?, ? FROM memory_write_jobs WHERE id = ?`,
  );
  const deleteUserDeadLetters = db.prepare(
    'DELETE FROM memory_write_dead_letters WHERE user_id = ?',
  );
  const deleteOldDeadLetters = db.prepare(
    'DELETE FROM memory_write_dead_letters WHERE failed_at < ?',
  );
  const countDeadLetters = db.prepare('SELECT COUNT(*) FROM memory_write_dead_letters').pluck();
  const moveToDeadLetters = db.transaction(
    ({ ids, reason, failedAt, attempts }: DeadLetterMove) => {
      let moved = 0;
      for (const id of ids) {
        // A job already gone (discarded by /forget while its write was in flight) is not kept.
        if (copyToDeadLetters.run(attempts ?? null, failedAt, reason, id).changes === 0) continue;
        deleteJob.run(id);
        moved++;
      }
      return moved;
    },
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
    oldestJobIds: (limit) => selectOldestIds.all(limit) as number[],
    moveToDeadLetters: (move) => moveToDeadLetters(move),
    deleteUserDeadLetters: (userId) => deleteUserDeadLetters.run(userId).changes,
    deleteDeadLettersFailedBefore: (failedBefore) => deleteOldDeadLetters.run(failedBefore).changes,
    deadLetterCount: () => countDeadLetters.get() as number,
    checkpoint: () => void checkpoint(db),
    close: () => db.close(),
  };
}
