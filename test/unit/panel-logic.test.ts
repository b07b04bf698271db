import { describe, expect, it } from "vitest";
import { countdownFor } from "@/lib/panel/countdown";
import { durationClock, durationWords } from "@/lib/i18n/format";
import { speechFor, translator } from "@/lib/i18n/messages";
import { desktopOrigin, regionFromDesktop } from "@/lib/panel/genesys-region";
import { authorizeUrl, parseGrantFragment, readStoredToken, usableToken } from "@/lib/panel/implicit-grant";
import type { PanelSnapshot } from "@/lib/panel/panel-types";
import { snapshotChanges } from "@/lib/panel/snapshot-changes";
import { eventWords, taskTypeNamesIn, taskTypeWords } from "@/lib/panel/status-words";
import { orgSettingsSchema, taskTypeDisplayNames } from "@/lib/orgs/org-settings";
import { at, lateResult, workflowIn } from "@/test/unit/panel-fixtures";

describe("implicit grant", () => {
  it("sends the agent to login.<region>/oauth/authorize for a token", () => {
    const url = new URL(authorizeUrl({ loginBase: "https://login.mypurecloud.ie", clientId: "abc", redirectUri: "https://longrun.example.com/panel", state: "s1" }));
    expect(url.origin + url.pathname).toBe("https://login.mypurecloud.ie/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "abc", response_type: "token", redirect_uri: "https://longrun.example.com/panel", state: "s1" });
  });

  it("reads the token, or the refusal, from the fragment Genesys returns", () => {
    expect(parseGrantFragment("#access_token=t0k&expires_in=86399&token_type=bearer&state=s1")).toEqual({ kind: "token", accessToken: "t0k", expiresInSeconds: 86399, state: "s1" });
    expect(parseGrantFragment("#error=access_denied&error_description=no%20user&state=s1")).toEqual({ kind: "error", error: "access_denied", description: "no user", state: "s1" });
    expect(parseGrantFragment("#section-2")).toBeNull();
    expect(parseGrantFragment("")).toBeNull();
  });

  it("uses a stored token only for its region and while it has more than a minute left", () => {
    const token = { accessToken: "t", expiresAt: 1_000_000, region: "mypurecloud.com" };
    expect(usableToken(token, "mypurecloud.com", 1_000_000 - 61_000)).toEqual(token);
    expect(usableToken(token, "mypurecloud.com", 1_000_000 - 59_000)).toBeNull();
    expect(usableToken(token, "mypurecloud.ie", 0)).toBeNull();
    expect(readStoredToken(JSON.stringify(token))).toEqual(token);
    expect(readStoredToken("{not json")).toBeNull();
    expect(readStoredToken(JSON.stringify({ accessToken: 1 }))).toBeNull();
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
