// An embedded PGlite folder may be opened by one process at a time; a second
// one would corrupt it. The first process writes its pid beside the folder;
// another that finds a live pid there stops with a clear message instead.
// Plain JavaScript so that scripts/migrate.mjs (run by node) shares it.
import { readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
}

/**
 * Takes the folder for this process; returns the function that gives it back.
 * @param {string} dir
 * @returns {() => void}
 */
export function lockPgliteFolder(dir) {
  const file = `${path.resolve(dir)}.lock`;
  mkdirSync(path.dirname(file), { recursive: true });
  let holder = NaN;
  try {
    holder = Number(readFileSync(file, "utf8").trim());
  } catch {
    // no lock yet
  }
  if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
    throw new Error(`the embedded database ${dir} is in use by process ${holder} (npm run dev / npm start?); stop it first, or use PostgreSQL (DATABASE_URL) to run several processes`);
  }
  writeFileSync(file, String(process.pid));
  const release = () => {
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
    } catch {
      // already gone
    }
  };
  process.once("exit", release);
  return release;
}
