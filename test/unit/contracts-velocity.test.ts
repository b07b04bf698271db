// The Velocity and JSONPath subset the contract tests emulate Genesys with:
// if it were wrong, the contract tests would prove nothing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonPath, renderVelocity, translateResponse } from "@/test/support/velocity";

describe("renderVelocity", () => {
  it("substitutes ${a.b} and $a.b references and leaves other text alone", () => {
    expect(renderVelocity("${authResponse.token_type} ${authResponse.access_token}", { authResponse: { token_type: "Bearer", access_token: "t0k" } })).toBe("Bearer t0k");
    expect(renderVelocity("/w/$input.id/x costs $5", { input: { id: "42" } })).toBe("/w/42/x costs $5");
    expect(renderVelocity("{\"n\": ${input.n}, \"b\": ${input.b}}", { input: { n: 3, b: true } })).toBe("{\"n\": 3, \"b\": true}");
  });

  it("escapes with $esc.jsonString so any string survives inside a JSON string literal", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const rendered = renderVelocity("{\"v\": \"$esc.jsonString(${input.v})\"}", { input: { v: text } });
        expect((JSON.parse(rendered) as { v: string }).v).toBe(text);
      }),
    );
  });

  it("throws on a reference with no value (Velocity would print it verbatim) unless it is quiet", () => {
    expect(() => renderVelocity("${input.missing}", { input: {} })).toThrow(/no value/);
    expect(renderVelocity("[$!{input.missing}]", { input: {} })).toBe("[]");
    expect(() => renderVelocity("$esc.url(${input.x})", { input: { x: "a" } })).toThrow(/unsupported/);
  });
});

describe("jsonPath and translateResponse", () => {
  it("reads $.a, $.a.b, $['a'] and $.list[1]; a miss is undefined", () => {
    const doc = { a: { b: 1 }, "odd key": "x", list: [10, 20] };
    expect(jsonPath(doc, "$.a.b")).toBe(1);
    expect(jsonPath(doc, "$['odd key']")).toBe("x");
    expect(jsonPath(doc, "$.list[1]")).toBe(20);
    expect(jsonPath(doc, "$.a.c")).toBeUndefined();
    expect(() => jsonPath(doc, "$..b")).toThrow(/unsupported/);
  });

  // Defaults apply when the path finds nothing; a present JSON null is passed through as Genesys does
  // (developer forum thread 24440, ../shared/GENESYS.md §0), which is why Longrun leaves empty fields out.
  it("passes found values as JSON into the success template, a present null as null, and uses the defaults for missing ones", () => {
    const config = {
      translationMap: { status: "$.status", reason: "$.reason", late: "$.late" },
      translationMapDefaults: { reason: "\"\"", late: "false" },
      successTemplate: "{\"status\": ${status}, \"reason\": ${reason}, \"late\": ${late}}",
    };
    expect(translateResponse(config, JSON.stringify({ status: "A \"quoted\" one", reason: null }))).toEqual({ status: "A \"quoted\" one", reason: null, late: false });
    expect(translateResponse(config, JSON.stringify({ status: "A \"quoted\" one" }))).toEqual({ status: "A \"quoted\" one", reason: "", late: false });
    expect(() => translateResponse(config, JSON.stringify({ reason: "x" }))).toThrow(/no default/);
  });
});
