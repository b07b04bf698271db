/** Applies the committed migrations that `url`'s database lacks; returns their names. */
export function applyMigrations(url: string): Promise<string[]>;
/** Writes prisma/migrations/<stamp>_<name>/migration.sql for the schema's change, or null when nothing changed. */
export function createMigration(url: string, name: string): Promise<string | null>;
