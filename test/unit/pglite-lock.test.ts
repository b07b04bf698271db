import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lockPgliteFolder } from "@/lib/db/pglite-lock.mjs";

describe("the embedded database folder lock", () => {
  it("refuses a folder held by another live process, and takes over one whose holder is gone", async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "longrun-lock-")), "pglite");
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(`${dir}.lock`, String(holder.pid));
      expect(() => lockPgliteFolder(dir)).toThrow(new RegExp(`in use by process ${holder.pid}`));
    } finally {
      holder.kill();
      await new Promise((resolve) => holder.once("exit", resolve));
    }
    const release = lockPgliteFolder(dir);
    expect(readFileSync(`${dir}.lock`, "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });
});
