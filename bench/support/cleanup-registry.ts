// Servers, proxies and databases the bench started are stopped and dropped
// even when a run is interrupted (Ctrl-C) or a step throws.
type Cleanup = () => Promise<void>;

const pending = new Map<number, { label: string; cleanup: Cleanup }>();
let nextId = 1;

/** Registers a cleanup; the returned function runs it once and unregisters it. */
export function registerCleanup(label: string, cleanup: Cleanup): () => Promise<void> {
  const id = nextId++;
  pending.set(id, { label, cleanup });
  return async () => {
    if (!pending.delete(id)) return;
    await cleanup();
  };
}

/** Runs every cleanup still registered, newest first. */
export async function runAllCleanups(): Promise<void> {
  const entries = [...pending.entries()].reverse();
  pending.clear();
  for (const [, { label, cleanup }] of entries) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`bench: cleanup "${label}" failed: ${String(error)}`);
    }
  }
}
