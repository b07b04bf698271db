// Writes the Genesys data-action files generated from lib/api/schemas.ts.
//   npm run contracts                               → genesys/data-actions (placeholder host, committed)
//   npm run contracts -- --base-url https://x --out dir   → copies for your host, to import
//   npm run contracts -- --check                    → exit 1 when the committed files are stale
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { contractFiles, placeholderBaseUrl } from "@/lib/api/data-action-contracts";

const { values } = parseArgs({ options: { "base-url": { type: "string" }, out: { type: "string" }, check: { type: "boolean" } } });
const baseUrl = values["base-url"] ?? placeholderBaseUrl;
if (!/^https:\/\/[^/\s]+(\/[^\s]*)?$/.test(baseUrl) && baseUrl !== placeholderBaseUrl) {
  console.error(`--base-url must be an https URL, got ${baseUrl}`);
  process.exit(2);
}
const out = path.resolve(values.out ?? "genesys/data-actions");
const files = contractFiles(baseUrl);

if (values.check) {
  const stale: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const current = await readFile(path.join(out, name), "utf8").catch(() => null);
    if (current !== content) stale.push(name);
  }
  if (stale.length > 0) {
    console.error(`stale: ${stale.join(", ")}; run npm run contracts`);
    process.exit(1);
  }
  console.log(`${Object.keys(files).length} files up to date in ${out}`);
} else {
  await mkdir(out, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(out, name), content);
  console.log(`wrote ${Object.keys(files).length} files to ${out}${baseUrl === placeholderBaseUrl ? ` (host ${placeholderBaseUrl}: import copies made with --base-url)` : ""}`);
}
