// Each module owns one generated block of bench/README.md, between markers;
// the text around the blocks is written by hand and left alone.
import { readFile, writeFile } from "node:fs/promises";

export async function writeReadmeSection(file: string, key: string, markdown: string): Promise<void> {
  const start = `<!-- bench:${key}:start -->`;
  const end = `<!-- bench:${key}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  let text = "";
  try {
    text = await readFile(file, "utf8");
  } catch {
    text = "# Benchmarks\n";
  }
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next = from >= 0 && to > from ? `${text.slice(0, from)}${block}${text.slice(to + end.length)}` : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, next);
}
