export interface EmbeddedPostgres {
  /** postgres:// URL of the `longrun` database on the cluster. */
  url: string;
  dataDir: string;
  port: number;
  /** Whether this call started the server (rather than joining a running one). */
  started: boolean;
  /** Gives up this lease; the last one to leave stops the server (returns true then). Also runs at exit. */
  release(): boolean;
}
/** Starts or joins the embedded cluster of `stateDir` (default `.data`). */
export function startEmbeddedPostgres(options?: { stateDir?: string; name?: string; fast?: boolean }): Promise<EmbeddedPostgres>;
/** Removes a throwaway cluster's folders (after its last release). */
export function removeEmbeddedPostgres(options?: { stateDir?: string; name?: string }): void;
