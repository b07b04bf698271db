import { describe, expect, it } from "vitest";
import { countdownFor } from "@/lib/panel/countdown";
import { durationClock, durationWords } from "@/lib/i18n/format";
import { speechFor, translator } from "@/lib/i18n/messages";
import { desktopOrigin, regionFromDesktop } from "@/lib/panel/genesys-region";
import { authAnswer, kindOfState, newState, persistPrefix, persistedTokenKey, popupAnswerMessage, readPersistedToken, renewDelayMs } from "@/lib/panel/pkce-sign-in";
import type { PanelSnapshot } from "@/lib/panel/panel-types";
import { snapshotChanges } from "@/lib/panel/snapshot-changes";
import { eventWords, taskTypeNamesIn, taskTypeWords } from "@/lib/panel/status-words";
import { orgSettingsSchema, taskTypeDisplayNames } from "@/lib/orgs/org-settings";
import { at, lateResult, workflowIn } from "@/test/unit/panel-fixtures";

describe("PKCE sign-in (lib/panel/pkce-sign-in.ts)", () => {
  it("tells the three ways in apart by the state Genesys returns", () => {
    expect(newState("redirect", "a1")).toBe("r.a1");
    expect(newState("frame", "a1")).toBe("f.a1");
    expect(newState("popup", "a1")).toBe("p.a1");
    expect(kindOfState("r.a1")).toBe("redirect");
    expect(kindOfState("f.a1")).toBe("frame");
    expect(kindOfState("p.a1")).toBe("popup");
    for (const other of ["x.a1", "r.", "", null, undefined, "ra1"]) expect(kindOfState(other)).toBeNull();
    expect(newState("redirect")).not.toBe(newState("redirect"));
  });

  it("reads Genesys's answer on the redirect URI: a code or a refusal, with the state", () => {
    expect(authAnswer("?code=c0de&state=r.a1")).toEqual({ state: "r.a1", code: "c0de", error: null, description: null });
    expect(authAnswer("?error=access_denied&error_description=no%20user&state=r.a1")).toEqual({ state: "r.a1", code: null, error: "access_denied", description: "no user" });
    expect(authAnswer("?conversationId=abc")).toBeNull();
    expect(authAnswer("")).toBeNull();
  });

  it("keeps the token where the SDK persists it, per region, and uses it only while it has more than ten seconds left", () => {
    // ApiClient.setPersistSettings replaces non-word characters; _saveSettings writes `${prefix}_auth_data`.
    expect(persistPrefix("mypurecloud.com")).toBe("longrun_panel_mypurecloud_com");
    expect(persistedTokenKey("usw2.pure.cloud")).toBe("longrun_panel_usw2_pure_cloud_auth_data");
    const saved = JSON.stringify({ accessToken: "t", tokenExpiryTime: 1_000_000, tokenExpiryTimeString: "…" });
    expect(readPersistedToken(saved, 1_000_000 - 11_000)).toEqual({ accessToken: "t", expiresAt: 1_000_000 });
    expect(readPersistedToken(saved, 1_000_000 - 9_000)).toBeNull();
    // After a failed token test the SDK saves {accessToken: undefined}.
    expect(readPersistedToken(JSON.stringify({ tokenExpiryTime: 2_000_000 }), 0)).toBeNull();
    expect(readPersistedToken("{not json", 0)).toBeNull();
    expect(readPersistedToken(null, 0)).toBeNull();
  });

  it("signs in again five minutes before expiry, or half-way through a short token", () => {
    const now = 10_000_000;
    expect(renewDelayMs({ accessToken: "t", expiresAt: now + 86_400_000 }, now)).toBe(86_400_000 - 300_000);
    expect(renewDelayMs({ accessToken: "t", expiresAt: now + 30_000 }, now)).toBe(15_000);
    expect(renewDelayMs({ accessToken: "t", expiresAt: now - 1 }, now)).toBe(0);
  });

  it("answers the SDK's popup listener in the format it reads, with the identifier it sent", () => {
    expect(popupAnswerMessage("?code=c&state=p.1", "", "id-7")).toEqual({ name: "gc_auth_popup", type: "message", search: "?code=c&state=p.1", hash: "", identifier: "id-7" });
    expect(popupAnswerMessage("?code=c", "")).toEqual({ name: "gc_auth_popup", type: "message", search: "?code=c", hash: "" });
  });
});

describe("region of the desktop", () => {
  it("comes from gcHostOrigin, else from gcTargetEnv", () => {
    expect(regionFromDesktop("https://apps.mypurecloud.ie", "prod-euw1")).toBe("mypurecloud.ie");
    expect(regionFromDesktop("https://apps.usw2.pure.cloud", null)).toBe("usw2.pure.cloud");
    expect(regionFromDesktop(null, "prod-apse2")).toBe("mypurecloud.com.au");
    expect(regionFromDesktop(null, "prod-cac1")).toBe("cac1.pure.cloud");
    expect(regionFromDesktop("not a url", "prod")).toBe("mypurecloud.com");
    expect(regionFromDesktop("https://evil.example.com", "prod-xyz9")).toBeNull();
  });

  it("accepts only real Genesys desktops as the toast target", () => {
    expect(desktopOrigin("https://apps.mypurecloud.de/")).toBe("https://apps.mypurecloud.de");
    expect(desktopOrigin("http://apps.mypurecloud.de")).toBeNull();
    expect(desktopOrigin("https://apps.evil.example.com")).toBeNull();
  });
});

const en = speechFor(["en-US"], "UTC");
const t = translator(en);

describe("countdown", () => {
  it("formats durations for the eye and for screen readers", () => {
    expect([durationClock(5_000, en), durationWords(5_000, en)]).toEqual(["0:05", "5 seconds"]);
    expect([durationClock(61_000, en), durationWords(61_000, en)]).toEqual(["1:01", "1 minute and 1 second"]);
    expect([durationClock(3_723_000, en), durationWords(3_723_000, en)]).toEqual(["1:02:03", "1 hour, 2 minutes, and 3 seconds"]);
    expect([durationClock(0, en), durationWords(0, en)]).toEqual(["0:00", "0 seconds"]);
  });

  it("rounds the last second up and is overdue from the deadline on", () => {
    const pending = workflowIn("PENDING");
    expect(countdownFor(pending, new Date(new Date(at(305)).getTime() - 300))).toEqual({ overdue: false, ms: 1000 });
    expect(countdownFor(pending, new Date(at(305)))).toEqual({ overdue: true, ms: 1000 });
    expect(countdownFor(pending, new Date(at(65)))).toEqual({ overdue: false, ms: 240_000 });
    expect(countdownFor(workflowIn("COMPLETED"), new Date(at(0)))).toBeNull();
  });
});

describe("words", () => {
  it("turns task types into words, and prefers the org's own names", () => {
    expect(taskTypeWords("FRAUD_VERIFICATION")).toBe("Fraud verification");
    expect(taskTypeWords("creditCheck")).toBe("Credit check");
    expect(taskTypeWords("erp.order-lookup")).toBe("Erp order lookup");
    expect(taskTypeWords("ERP_ORDER_LOOKUP")).toBe("ERP order lookup");
    expect(taskTypeWords("KYC_CHECK_FOR_CARD")).toBe("KYC check for card");
    expect(taskTypeWords("FRAUD_VERIFICATION", { FRAUD_VERIFICATION: "Card fraud check" })).toBe("Card fraud check");
    expect(taskTypeWords("FRAUD_VERIFICATION", { FRAUD_VERIFICATION: "  " })).toBe("Fraud verification");
  });

  it("picks the org's name for the agent's language, then its name for all languages, then the readable code", () => {
    const names = { FRAUD_VERIFICATION: { all: "Fraud check", languages: { de: "Betrugsprüfung" } }, KYC: { all: null, languages: { ja: "本人確認" } } };
    expect(taskTypeNamesIn(names, "de")).toEqual({ FRAUD_VERIFICATION: "Betrugsprüfung" });
    expect(taskTypeNamesIn(names, "fr")).toEqual({ FRAUD_VERIFICATION: "Fraud check" });
    expect(taskTypeNamesIn(names, "ja")).toEqual({ FRAUD_VERIFICATION: "Fraud check", KYC: "本人確認" });
    expect(taskTypeWords("KYC", taskTypeNamesIn(names, "es"))).toBe("KYC");
    expect(taskTypeWords("FRAUD_VERIFICATION", taskTypeNamesIn({}, "de"))).toBe("Fraud verification");
    // The settings keep only named types, trimmed, in the shape the snapshot carries.
    const settings = orgSettingsSchema.parse({ taskTypes: { FRAUD_VERIFICATION: { displayName: "  Fraud check ", displayNames: { de: "Betrugsprüfung" } }, CREDIT_CHECK: { timeoutSeconds: 60 } } });
    expect(taskTypeDisplayNames(settings)).toEqual({ FRAUD_VERIFICATION: { all: "Fraud check", languages: { de: "Betrugsprüfung" } } });
    expect(taskTypeDisplayNames(settings, ["CREDIT_CHECK"])).toEqual({});
  });

  it("has a sentence for unknown event types too", () => {
    expect(eventWords({ id: "1", type: "SOMETHING_NEW", from_status: null, to_status: null, actor: "admin", created_at: at(0), data: null }, t)).toBe("Something new");
  });
});

describe("snapshot changes", () => {
  const snap = (...workflows: PanelSnapshot["workflows"]): PanelSnapshot => ({ conversation_id: "c", generated_at: at(0), workflows, task_type_names: {} });

  it("announces nothing on the first snapshot", () => {
    expect(snapshotChanges(null, snap(workflowIn("COMPLETED")), t)).toEqual({ announcements: [], toasts: [] });
  });

  it("announces a new workflow and status changes, and toasts completions, failures and timeouts", () => {
    const pending = workflowIn("PENDING");
    const completed = { ...workflowIn("COMPLETED"), workflow_id: pending.workflow_id };
    const changes = snapshotChanges(snap(pending), snap(completed), t);
    expect(changes.announcements).toEqual(["Fraud verification: Completed. Fraud verification succeeded."]);
    expect(changes.toasts).toEqual([{ id: `longrun-${pending.workflow_id}`, title: "Fraud verification completed", message: "Fraud verification succeeded.", type: "success" }]);

    const failed = { ...workflowIn("FAILED"), workflow_id: pending.workflow_id };
    expect(snapshotChanges(snap(pending), snap(failed), t).toasts[0]).toMatchObject({ title: "Fraud verification failed", type: "error" });
    const timedOut = { ...workflowIn("TIMED_OUT"), workflow_id: pending.workflow_id };
    expect(snapshotChanges(snap(pending), snap(timedOut), t).toasts[0]).toMatchObject({ title: "Fraud verification timed out", type: "info" });

    const fresh = workflowIn("INITIATED");
    expect(snapshotChanges(snap(pending), snap(fresh, pending), t)).toEqual({ announcements: ["New workflow: Workflow, Started."], toasts: [] });
  });

  it("speaks the agent's language in toasts and announcements", () => {
    const pending = workflowIn("PENDING");
    const completed = { ...workflowIn("COMPLETED"), workflow_id: pending.workflow_id };
    const de = translator(speechFor(["de-DE"]));
    const changes = snapshotChanges(snap(pending), snap(completed), de, { FRAUD_VERIFICATION: "Betrugsprüfung" });
    expect(changes.toasts[0]).toMatchObject({ title: "Betrugsprüfung abgeschlossen", message: "Betrugsprüfung erfolgreich." });
    expect(changes.announcements).toEqual(["Betrugsprüfung: Abgeschlossen. Betrugsprüfung erfolgreich."]);
  });

  it("does not toast twice for the same outcome, but does for a late result", () => {
    const timedOut = workflowIn("TIMED_OUT");
    const escalated = { ...workflowIn("ESCALATED"), workflow_id: timedOut.workflow_id };
    const escalation = snapshotChanges(snap(timedOut), snap(escalated), t);
    expect(escalation.toasts).toEqual([]);
    expect(escalation.announcements).toHaveLength(1);
    const late = { ...lateResult(true), workflow_id: timedOut.workflow_id };
    expect(snapshotChanges(snap(escalated), snap(late), t).toasts[0]).toMatchObject({ title: "Fraud verification completed", message: "Fraud verification succeeded (late)." });
  });

  it("stays quiet when nothing the agent sees changed", () => {
    const pending = workflowIn("PENDING");
    expect(snapshotChanges(snap(pending), snap({ ...pending, version: 2 }), t)).toEqual({ announcements: [], toasts: [] });
  });
});
