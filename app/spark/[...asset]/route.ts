// Spark's web components from the installed package, for SPARK_ASSETS=local
// (lib/spark/spark-assets.ts): the same files Genesys's CDN serves.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { sparkVersion } from "@/lib/spark/spark-assets";

const root = path.join(process.cwd(), "node_modules", "genesys-spark-components", "dist", "genesys-webcomponents");

const types: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json; charset=utf-8",
};

export async function GET(_request: Request, { params }: { params: Promise<{ asset: string[] }> }) {
  const [version, ...rest] = (await params).asset;
  const file = path.join(root, ...rest);
  const type = types[path.extname(file)];
  // Only this version's files, only inside the package's folder.
  if (version !== sparkVersion || !type || !file.startsWith(root + path.sep)) return new Response("not found", { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(new Uint8Array(body), { headers: { "content-type": type, "cache-control": "public, max-age=31536000, immutable" } });
  } catch {
    return new Response("not found", { status: 404 });
  }
}
