// Turns SQLite's error codes into StateStoreError values whose messages name the file and say what
// to do. Errors that are not about the database (bugs, a caller's own exception) pass through.
import Database from "better-sqlite3";
import { StateStoreError } from "../../core/state-types.js";

/** What every "start over" message reminds the user of: the state file is not where the work is. */
export const WORK_IS_SAFE = "the git refs under refs/flotilla/ still hold all work";

/** How to move a bad state file out of the way, spelled out for the file at hand. */
export function moveAsideAdvice(file: string): string {
  return `Move it aside (mv '${file}' '${file}.broken') and run flotilla again to start a fresh one; ${WORK_IS_SAFE}.`;
}

/** The StateStoreError for a SQLite error about `file`, or undefined when `error` is something else. */
export function classifySqliteError(file: string, error: unknown): StateStoreError | undefined {
  if (!(error instanceof Database.SqliteError)) return undefined;
  const code = error.code;
  const detail = error.message;
  const make = (reason: StateStoreError["reason"], message: string): StateStoreError =>
    new StateStoreError({ reason, file, message, cause: error });
  if (code === "SQLITE_NOTADB") {
    return make(
      "not-a-database",
      `The flotilla state file ${file} is not a SQLite database (${detail}). ${moveAsideAdvice(file)}`,
    );
  }
  if (code.startsWith("SQLITE_CORRUPT")) {
    return make(
      "corrupt",
      `The flotilla state file ${file} is damaged (${detail}). ${moveAsideAdvice(file)}`,
    );
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return make(
      "io",
      `The flotilla state file ${file} stayed locked by another process (${detail}). Check for a flotilla process that is stuck, then try again.`,
    );
  }
  if (
    code.startsWith("SQLITE_CANTOPEN") ||
    code.startsWith("SQLITE_IOERR") ||
    code.startsWith("SQLITE_READONLY") ||
    code === "SQLITE_FULL" ||
    code === "SQLITE_PERM" ||
    code === "SQLITE_AUTH"
  ) {
    return make(
      "io",
      `Cannot read or write the flotilla state file ${file} (${detail}). Check that its folder exists and is writable and that the disk has room.`,
    );
  }
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
    return make("not-found", `${detail} in ${file}: the run or item this refers to does not exist.`);
  }
  if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE") {
    return make("duplicate", `${detail} in ${file}: a record with this key is already there.`);
  }
  return undefined;
}
