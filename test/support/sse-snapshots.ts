// The panel stream's server-sent events as the panel's EventSource reads
// them: text arrives in chunks that may cut an event anywhere; each complete
// `event: snapshot` block's data is one PanelSnapshot.
import type { PanelSnapshot } from "@/lib/panel/panel-types";

/** Feed it the stream's text chunk by chunk; it returns the snapshots each chunk completed. */
export function snapshotReader(): (chunk: string) => PanelSnapshot[] {
  let buffer = "";
  return (chunk) => {
    buffer += chunk;
    const found: PanelSnapshot[] = [];
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut).split("\n");
      buffer = buffer.slice(cut + 2);
      if (block.includes("event: snapshot")) found.push(JSON.parse(block.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n")) as PanelSnapshot);
    }
    return found;
  };
}
