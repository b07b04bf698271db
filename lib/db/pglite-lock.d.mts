/** Takes an embedded PGlite folder for this process; throws if another live process holds it. Returns the release function. */
export function lockPgliteFolder(dir: string): () => void;
