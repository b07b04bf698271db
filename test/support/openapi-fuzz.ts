// Request generation for the OpenAPI-driven fuzzer (test/api/openapi-fuzz.test.ts):
// valid values read off the published document's JSON Schemas, and the
// adversarial mutations an outside integrator or attacker sends. Seeded, so a
// failure names a case that can be replayed.
import type { JsonSchema } from "@/lib/api/openapi";

export type Rng = () => number;

/** mulberry32: small, fast, good enough to spread cases. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

export function uuidFrom(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${"89ab"[Math.floor(rng() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Resolves `#/components/schemas/X` against the document. */
export type Resolve = (schema: JsonSchema) => JsonSchema;

export function resolverFor(components: Record<string, JsonSchema>): Resolve {
  return (schema) => {
    let current = schema;
    for (let i = 0; i < 10 && typeof current.$ref === "string"; i++) {
      current = components[(current.$ref).replace("#/components/schemas/", "")] ?? {};
    }
    return current;
  };
}

function stringFor(schema: JsonSchema, rng: Rng, known: string | undefined): string {
  if (known !== undefined) return known;
  const format = schema.format as string | undefined;
  if (format === "uuid") return uuidFrom(rng);
  if (format === "date-time") return new Date(Date.UTC(2026, 10, 1 + Math.floor(rng() * 28), Math.floor(rng() * 24))).toISOString();
  if (format === "uri" || format === "url") return "https://orchestrator.example/tasks";
  const pattern = schema.pattern as string | undefined;
  const min = (schema.minLength as number | undefined) ?? 1;
  const max = Math.min((schema.maxLength as number | undefined) ?? 24, 24);
  const length = Math.max(min, Math.min(max, 1 + Math.floor(rng() * 12)));
  // Letters and digits fit every pattern the document uses for names and identifiers.
  const alphabet = pattern && /a-z/.test(pattern) && !/A-Z/.test(pattern) ? "abcdefghijklmnopqrstuvwxyz0123456789" : "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
  return Array.from({ length }, () => alphabet[Math.floor(rng() * alphabet.length)]).join("");
}

/**
 * A value the schema accepts, as far as a generator can know: `known` maps
 * property and parameter names to real values (a workflow id that exists, the
 * task's version), so valid requests reach the deep paths.
 */
export function validValue(schema: JsonSchema, rng: Rng, resolve: Resolve, known: Record<string, unknown> = {}, name?: string, depth = 0): unknown {
  const s = resolve(schema);
  if (name !== undefined && name in known && rng() < 0.85) return known[name];
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum)) return pick(rng, s.enum as unknown[]);
  for (const key of ["anyOf", "oneOf"] as const) {
    if (Array.isArray(s[key])) {
      const options = (s[key] as JsonSchema[]).filter((o) => resolve(o).type !== "null");
      return validValue(pick(rng, options.length > 0 ? options : (s[key] as JsonSchema[])), rng, resolve, known, name, depth);
    }
  }
  if (Array.isArray(s.allOf)) return validValue((s.allOf as JsonSchema[])[0]!, rng, resolve, known, name, depth);
  const type = Array.isArray(s.type) ? ((s.type as string[]).find((t) => t !== "null") ?? "null") : (s.type as string | undefined);
  switch (type) {
    case "string":
      return stringFor(s, rng, undefined);
    case "integer":
    case "number": {
      const min = (s.minimum as number | undefined) ?? (s.exclusiveMinimum !== undefined ? (s.exclusiveMinimum as number) + 1 : 0);
      const max = Math.min((s.maximum as number | undefined) ?? min + 1000, min + 100_000);
      return min + Math.floor(rng() * (max - min + 1));
    }
    case "boolean":
      return rng() < 0.5;
    case "null":
      return null;
    case "array": {
      if (depth > 4) return [];
      const min = (s.minItems as number | undefined) ?? 0;
      const count = Math.max(min, Math.floor(rng() * 3));
      return Array.from({ length: count }, () => validValue((s.items as JsonSchema | undefined) ?? {}, rng, resolve, known, undefined, depth + 1));
    }
    case "object":
    case undefined: {
      if (!s.properties && type === undefined) return pick(rng, ["text", 7, true, null, { nested: "value" }]);
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((s.required ?? []) as string[]);
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(properties)) {
        if (depth > 4 && !required.has(key)) continue;
        if (required.has(key) || key in known || rng() < 0.5) out[key] = validValue(property, rng, resolve, known, key, depth + 1);
      }
      if (s.additionalProperties && typeof s.additionalProperties === "object" && Object.keys(properties).length === 0 && rng() < 0.7) {
        out[`k${Math.floor(rng() * 100)}`] = validValue(s.additionalProperties as JsonSchema, rng, resolve, known, undefined, depth + 1);
      }
      return out;
    }
    default:
      return null;
  }
}

/** Strings that PostgreSQL, URL decoders or parsers choke on. */
export const hostileStrings = [
  "a\u0000b",
  "\u0000",
  "x\ud800",
  "\udc00y",
  "\ud83d",
  "%zz",
  "%",
  "%E0%A4%A",
  "%00",
  "%ff%fe",
  "../../etc/passwd",
  "' OR 1=1 --",
  "${jndi:ldap://x}",
  "<script>alert(1)</script>",
  "\u202e\u0301",
  "",
  " ",
  "a".repeat(5000),
  "null",
  "-1",
  "1e309",
  "NaN",
];

export const hostileNumbers = [-1, 0, -2147483649, 2147483648, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 1.5, 0.0001, 1e21];

/** Raw body texts that are not the JSON they claim to be. */
export const hostileBodies = [
  "",
  "{",
  "}",
  "[",
  "null",
  '"x"',
  "[]",
  "\uFEFF{}",
  '{"a":1,"a":2}',
  "{'single':'quotes'}",
  '{"x":1}garbage',
  "[".repeat(40) + "]".repeat(40),
  '{"a":'.repeat(40) + "1" + "}".repeat(40),
  "grant_type=client_credentials&client_id=%ff&client_secret=%",
];

/** Invalid UTF-8: overlong encodings, encoded surrogates, stray continuation bytes, a raw NUL. */
export const hostileBytes = [
  Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), // {"a":"<overlong />"}
  Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), // encoded U+D800
  Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe0, 0x80, 0x80, 0x22, 0x7d]), // overlong NUL
  Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0x00, 0x22, 0x7d]), // raw NUL in a string
  Uint8Array.from([0x80, 0x81, 0xfe, 0xff]),
];

export const hostileContentTypes = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "APPLICATION/JSON", "application/merge-patch+json", "application/xml", "", "*/*", "application/json, text/plain", "%zz"];

export const hostileCookies = [
  "next-auth.session-token=%zz",
  "next-auth.session-token=%E0%A4%A",
  "next-auth.session-token.0=%; next-auth.session-token.1=%%",
  "=%zz; ;;",
  "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..garbage",
  `next-auth.session-token=${"%".repeat(2000)}`,
  "next-auth.session-token=\"unterminated",
];

export const hostileAuthorizations = [
  "Bearer",
  "Bearer ",
  "Bearer lrt_" + "x".repeat(43),
  "Bearer %zz",
  "Basic %%%",
  `Basic ${Buffer.from("%zz:%").toString("base64")}`,
  `Basic ${Buffer.from("no-colon").toString("base64")}`,
  "Basic !!!!",
  "Digest username=x",
  "bearer " + "a".repeat(3000),
];

/** Every way a value can be made wrong, applied at one place in it. */
export function mutateValue(value: unknown, rng: Rng): unknown {
  const choice = Math.floor(rng() * 8);
  switch (choice) {
    case 0:
      return pick(rng, hostileStrings);
    case 1:
      return pick(rng, hostileNumbers);
    case 2:
      return pick<unknown>(rng, [true, null, [], {}, [1, "2"], { $ne: 1 }]);
    case 3: {
      // Deep nesting: past the reader's depth limit or just under it.
      let nested: unknown = pick(rng, hostileStrings);
      const depth = pick(rng, [20, 31, 33, 60]);
      for (let i = 0; i < depth; i++) nested = rng() < 0.5 ? [nested] : { d: nested };
      return nested;
    }
    case 4:
      return typeof value === "string" ? value + pick(rng, hostileStrings) : pick(rng, hostileStrings);
    case 5:
      return typeof value === "number" ? -value - 1 : pick(rng, hostileNumbers);
    case 6:
      return { [pick(rng, hostileStrings)]: pick(rng, hostileStrings) };
    default:
      return undefined;
  }
}

/** The value with one property (at any depth) mutated, dropped, or an extra one added. */
export function mutateDeep(value: unknown, rng: Rng): unknown {
  if (value === null || typeof value !== "object") return mutateValue(value, rng);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || rng() < 0.15) {
    (copy as Record<string, unknown>)[rng() < 0.5 ? "unexpected_field" : pick(rng, hostileStrings)] = mutateValue(undefined, rng);
    return copy;
  }
  const key = pick(rng, keys);
  const current = (copy as Record<string, unknown>)[key];
  const next = current !== null && typeof current === "object" && rng() < 0.6 ? mutateDeep(current, rng) : mutateValue(current, rng);
  if (next === undefined && !Array.isArray(copy)) delete (copy)[key];
  else (copy as Record<string, unknown>)[key] = next;
  return copy;
}

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) is sent
 * the way a careless client would: its CESU-8 bytes, which no decoder accepts.
 */
export function encodeAnyway(value: string): string {
  return value.replace(/[\ud800-\udfff]|[^\ud800-\udfff]+/gu, (part) => {
    if (part.length === 1 && /[\ud800-\udfff]/u.test(part)) {
      const c = part.charCodeAt(0);
      return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    }
    return encodeURIComponent(part);
  });
}
