import Database from 'better-sqlite3';

/** What a legacy import did, as recorded in the collection's meta table. */
export interface LegacyImport {
  from: string;
  rows: number;
  at: string;
}

/** One row of a stock store file, as stored there. */
export interface StockStoreRow {
  id: string;
  vector: Buffer;
  payload: string;
}

/** What a stock store file holds that an import keeps. */
export interface StockStoreContents {
  /** Every row, in the stock store's order (insertion order, which is its tie order). */
  rows: StockStoreRow[];
  /** mem0's anonymous telemetry id, when the file has one. */
  telemetryId: string | undefined;
}

/**
 * Reads a stock 'memory' store's SQLite file (`MemoryVectorStore` in mem0ai 3.3.1, which the bot
 * used before it had its own store); a file without its tables reads as empty.
 */
export function readStockStoreFile(path: string): StockStoreContents {
  const legacy = new Database(path, { fileMustExist: true });
  try {
    const hasTable = (name: string) =>
      legacy.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !==
      undefined;
    const rows = hasTable('vectors')
      ? (legacy
          .prepare('SELECT id, vector, payload FROM vectors ORDER BY rowid')
          .all() as StockStoreRow[])
      : [];
    const telemetry = hasTable('memory_migrations')
      ? (legacy.prepare('SELECT user_id FROM memory_migrations LIMIT 1').get() as
          { user_id: string } | undefined)
      : undefined;
    return { rows, telemetryId: telemetry?.user_id };
  } finally {
    legacy.close();
  }
}
