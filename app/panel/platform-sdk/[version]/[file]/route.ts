// The Platform SDK's browser build for the panel's sign-in (lib/panel/platform-sdk.ts):
// the file Genesys's SDK CDN serves, from the installed package, so that the
// panel and the server run the same SDK version and nothing loads from elsewhere.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { platformSdkFile, platformSdkVersion } from "@/lib/panel/platform-sdk";

const file = path.join(process.cwd(), "node_modules", "purecloud-platform-client-v2", "dist", "web-cjs", platformSdkFile);

export async function GET(_request: Request, { params }: { params: Promise<{ version: string; file: string }> }) {
  const asked = await params;
  if (asked.version !== platformSdkVersion || asked.file !== platformSdkFile) return new Response("not found", { status: 404 });
  try {
    return new Response(new Uint8Array(await readFile(file)), { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=31536000, immutable" } });
  } catch {
    return new Response("not found", { status: 404 });
  }
}
