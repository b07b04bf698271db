// The subset of Apache Velocity that Genesys data-action templates use here:
// ${a.b} / $a.b references, $!{…} quiet references and $esc.jsonString(…).
// Unknown references throw (real Velocity prints them verbatim, which would
// only hide a mistake in a test).

export type VelocityContext = Record<string, unknown>;

const reference = String.raw`\$!?(?:\{([A-Za-z_][\w.]*)\}|([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*))`;
const escCall = new RegExp(String.raw`\$esc\.(jsonString)\(\s*(` + reference + String.raw`|"(?:[^"\\]|\\.)*")\s*\)`, "y");
const plainRef = new RegExp(reference, "y");

function lookup(context: VelocityContext, path: string, quiet: boolean): string {
  let value: unknown = context;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || !(key in value)) {
      if (quiet) return "";
      throw new Error(`velocity: no value for \${${path}}`);
    }
    value = (value as Record<string, unknown>)[key];
  }
  if (value === null || value === undefined) {
    if (quiet) return "";
    throw new Error(`velocity: \${${path}} is ${String(value)}`);
  }
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** EscapeTool.jsonString: escapes for the inside of a JSON string literal (no quotes added). */
export function jsonString(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

export function renderVelocity(template: string, context: VelocityContext): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === "\\" && template[i + 1] === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (ch !== "$") {
      out += ch;
      i += 1;
      continue;
    }
    escCall.lastIndex = i;
    const esc = escCall.exec(template);
    if (esc) {
      const argument = esc[2]!;
      const text = argument.startsWith("\"") ? (JSON.parse(argument) as string) : lookup(context, (esc[3] ?? esc[4])!, argument.startsWith("$!"));
      out += jsonString(text);
      i = escCall.lastIndex;
      continue;
    }
    if (template.startsWith("$esc.", i)) throw new Error(`velocity: unsupported call at ${template.slice(i, i + 40)}`);
    plainRef.lastIndex = i;
    const ref = plainRef.exec(template);
    if (ref) {
      out += lookup(context, (ref[1] ?? ref[2])!, template[i + 1] === "!");
      i = plainRef.lastIndex;
      continue;
    }
    out += ch;
    i += 1;
  }
  return out;
}

/** The JSONPath subset translation maps use: $, .name, ['name'], [index]. Missing → undefined. */
export function jsonPath(document: unknown, path: string): unknown {
  if (!path.startsWith("$")) throw new Error(`jsonpath: ${path} does not start with $`);
  const steps = /\.([A-Za-z_][\w-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]/y;
  let value: unknown = document;
  let i = 1;
  while (i < path.length) {
    steps.lastIndex = i;
    const step = steps.exec(path);
    if (!step) throw new Error(`jsonpath: unsupported syntax in ${path} at ${path.slice(i)}`);
    i = steps.lastIndex;
    const key = step[1] ?? step[2] ?? Number(step[3]);
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[key];
    if (value === undefined) return undefined;
  }
  return value;
}

export interface ResponseConfig {
  translationMap: Record<string, string>;
  translationMapDefaults: Record<string, string>;
  successTemplate: string;
}

/**
 * What Genesys does with a 2xx body: each translation-map JSONPath picks a
 * value, which reaches the success template as JSON text; only a path that
 * finds nothing takes its default (a JSON literal). A present JSON null is a
 * value: it goes through as null (GENESYS.md §0; developer forum thread
 * 24440), which is why Longrun leaves empty fields out.
 */
export function translateResponse(config: ResponseConfig, rawResult: string): unknown {
  const body: unknown = JSON.parse(rawResult);
  const variables: Record<string, string> = { rawResult };
  for (const [name, path] of Object.entries(config.translationMap)) {
    const value = jsonPath(body, path);
    if (value === undefined) {
      const fallback = config.translationMapDefaults[name];
      if (fallback === undefined) throw new Error(`translation map: ${name} (${path}) found nothing and has no default`);
      JSON.parse(fallback); // a default must itself be JSON
      variables[name] = fallback;
    } else {
      variables[name] = JSON.stringify(value);
    }
  }
  return JSON.parse(renderVelocity(config.successTemplate, variables));
}
