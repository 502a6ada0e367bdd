/**
 * Local runs resolve app ids through one SQLite file (components/config.yaml): each sidecar writes
 * its address there when it starts and refreshes it every few seconds. A sidecar whose resolver
 * failed to start serves its own app but is never found by the others, and the failure shows up
 * far away (every call to it fails, e.g. every token check when it is auth's). `up` asks the file
 * which of the stack's app ids have a fresh address, and names any that has none.
 */
import { DatabaseSync } from 'node:sqlite';

/** The app ids with no address refreshed in the last `freshSeconds` (all of them when the file cannot be read). */
export function unregistered(dbFile: string, appIds: readonly string[], freshSeconds = 10): string[] {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(dbFile, { readOnly: true });
    const rows = db
      .prepare('select distinct app_id from hosts where unixepoch() - last_update < ?')
      .all(freshSeconds) as { app_id: string }[];
    const found = new Set(rows.map((r) => r.app_id));
    return appIds.filter((id) => !found.has(id));
  } catch {
    return [...appIds];
  } finally {
    db?.close();
  }
}
