import { defineConfig } from "prisma/config";

// The CLI is used for `prisma generate` only; migrations go through
// scripts/migrate.mjs (the WASM schema engine), which needs no download.
export default defineConfig({
  schema: "prisma/schema.prisma",
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/longrun" },
});
