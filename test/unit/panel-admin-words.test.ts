// The admin console's words: audit entries as before → after, codes as words.
import { describe, expect, it } from "vitest";
import { auditActionWords, auditActorWords, deliveryStatusWords, kindWords } from "@/lib/admin/admin-words";
import { auditChanges, diffChanges } from "@/lib/admin/audit-changes";
import { speechFor, translator } from "@/lib/i18n/messages";

const en = speechFor(["en-US"], "UTC");
const t = translator(en);

describe("audit changes", () => {
  it("pairs a settings change with the org's previous settings entry", () => {
    const rows = [
      { id: "3", action: "org.configured", data: { settings: { taskTimeoutSeconds: 600, timeoutHandlerFlowId: "f-1", taskTypes: { CREDIT_CHECK: { timeoutSeconds: 3600 } } } } },
      { id: "2", action: "signing_secret.rotated", data: { secretId: "s-2" } },
      { id: "1", action: "org.configured", data: { settings: { taskTimeoutSeconds: 900, specialistQueueName: "Fraud", taskTypes: {} } } },
    ];
    const changes = auditChanges(rows, [], en, t);
    expect(changes.get("3")).toEqual([
      { field: "Settings · Task timeout seconds", before: "900", after: "600" },
      { field: "Settings · Specialist queue name", before: "Fraud", after: null },
      { field: "Settings · Timeout handler flow id", before: null, after: "f-1" },
      { field: "Settings · Task types · CREDIT_CHECK · Timeout seconds", before: null, after: "3,600" },
    ]);
    // The oldest on the page has no earlier entry here: everything reads as set.
    expect(changes.get("1")).toContainEqual({ field: "Settings · Task timeout seconds", before: null, after: "900" });
    expect(changes.get("2")).toEqual([{ field: "Secret id", before: null, after: "s-2" }]);
  });

  it("reads an allowlist change whole, and never shows a secret", () => {
    const changes = auditChanges([{ id: "9", action: "org.source_cidrs_changed", data: { before: ["10.0.0.0/8"], after: ["10.0.0.0/8", "192.0.2.0/24"] } }], [], en, t);
    expect(changes.get("9")).toEqual([{ field: "Source cidrs changed", before: "10.0.0.0/8", after: "10.0.0.0/8 and 192.0.2.0/24" }]);
    expect(diffChanges(undefined, { genesysClientSecret: "changed" }, en, t)).toEqual([{ field: "Genesys client secret", before: null, after: "changed (not shown)" }]);
  });

  it("finds the previous settings entry past the page", () => {
    const page = [{ id: "5", action: "org.configured", data: { settings: { taskTimeoutSeconds: 60 } } }];
    const older = [{ id: "4", action: "org.configured", data: { settings: { taskTimeoutSeconds: 90 } } }];
    expect(auditChanges(page, older, en, t).get("5")).toEqual([{ field: "Settings · Task timeout seconds", before: "90", after: "60" }]);
  });
});

describe("codes as words", () => {
  it("names actions, actors, delivery kinds and states, with a readable fallback", () => {
    expect(auditActionWords("signing_secret.rotated", t)).toBe("Signing secret rotated");
    expect(auditActionWords("notice.resolved", t)).toBe("Notice resolved");
    expect(auditActorWords("admin:Ada Admin (u-1)", t)).toBe("Ada Admin");
    expect(auditActorWords("cron", t)).toBe("Longrun (timeout check)");
    expect(kindWords("ESCALATE", t)).toBe("Escalate in Genesys Cloud");
    expect(kindWords("SEND_NOTICE", t)).toBe("Send notice");
    expect(deliveryStatusWords("DEAD", t)).toBe("Gave up");
    const de = translator(speechFor(["de"]));
    expect(auditActionWords("org.configured", de)).toBe("Einstellungen geändert");
    expect(kindWords("DISPATCH_TASK", de)).toBe("Aufgabe an das externe System senden");
  });
});
