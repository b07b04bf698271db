// Failures shown as failures and guidance for the agent (issue 14, parts 4
// and 5): a dead-lettered dispatch or escalation reads as what it is, with the
// error and the next step; every state says what happens next and what to
// tell the customer, in all six languages.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { supportedLocales } from "@/lib/i18n/locales";
import { speechFor, translator } from "@/lib/i18n/messages";
import { clockTime } from "@/lib/i18n/format";
import { arrangeWorkflows } from "@/lib/panel/panel-glance";
import type { PanelSnapshot, PanelWorkflow } from "@/lib/panel/panel-types";
import { snapshotChanges } from "@/lib/panel/snapshot-changes";
import { guidance, headline, statusOf } from "@/lib/panel/status-words";
import { WorkflowCard } from "@/app/panel/workflow-card";
import { at, lateResult, workflowIn } from "@/test/unit/panel-fixtures";

const speech = speechFor(["en-US"], "UTC");
const t = translator(speech);
const time = (iso: string) => clockTime(iso, speech);

function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
}

function render(workflow: PanelWorkflow, locale = "en-US") {
  const s = speechFor([locale], "UTC");
  const html = renderToStaticMarkup(<WorkflowCard workflow={workflow} now={new Date(at(400))} speech={s} t={translator(s)} names={{}} />);
  return { html, text: textOf(html) };
}

/** A dispatch the orchestrator refused with a 422: the task stays queued and the workflow pending. */
function deadDispatch(queue: string | null = "Fraud Specialists"): PanelWorkflow {
  const base = workflowIn("PENDING");
  return {
    ...base,
    task: { ...base.task!, status: "QUEUED" },
    specialist_queue: queue,
    delivery_failure: { kind: "DISPATCH_TASK", error: 'HTTP 422: {"error":"unknown card number"}', http_status: 422, at: at(20) },
  };
}

/** An escalation Genesys refused: the workflow stays timed out and nobody was routed. */
function deadEscalation(): PanelWorkflow {
  return { ...workflowIn("TIMED_OUT"), delivery_failure: { kind: "ESCALATE", error: "create callback: 400 queueId is not a queue", http_status: 400, at: at(310) } };
}

describe("a dead-lettered dispatch or escalation", () => {
  it("reads as a failure with the error in words and the next step, never as 'in progress'", () => {
    const { html, text } = render(deadDispatch());
    expect(html).toContain('<gux-badge accent="error" data-testid="status">Not started</gux-badge>');
    expect(html).toContain('class="lr-card lr-tone-danger"');
    expect(text).toContain("Fraud verification: the external system refused the request — transfer the customer to Fraud Specialists.");
    expect(text).toContain('What went wrong The external system refused the task (HTTP 422): HTTP 422: {"error":"unknown card number"}');
    expect(text).toContain("An admin can re-drive it from Longrun's dead letters.");
    expect(text).not.toContain("In progress");
    expect(text).not.toContain("sending to the external system");
    expect(text).toContain("Tell the customer The check could not be started; you are transferring them to Fraud Specialists.");
  });

  it("says 'could not be reached' for a dispatch that never got an answer, and names no queue the settings lack", () => {
    const unreachable: PanelWorkflow = { ...deadDispatch(null), delivery_failure: { kind: "DISPATCH_TASK", error: "connect ECONNREFUSED 10.0.0.7:443", http_status: null, at: at(20) } };
    const { text } = render(unreachable);
    expect(text).toContain("Fraud verification: the external system could not be reached — transfer the customer to a specialist.");
    expect(text).toContain("Longrun could not reach the external system: connect ECONNREFUSED 10.0.0.7:443");
  });

  it("shows an escalation Genesys refused instead of 'Longrun is escalating' forever", () => {
    const { html, text } = render({ ...deadEscalation(), specialist_queue: "Fraud Specialists" });
    expect(html).toContain('<gux-badge accent="error" data-testid="status">Escalation failed</gux-badge>');
    expect(text).toContain("Fraud verification did not answer in time and Genesys refused Longrun's escalation — transfer the call to Fraud Specialists yourself.");
    expect(text).toContain("On timeout No answer by 10:05:06 AM. Genesys refused Longrun's escalation (HTTP 400): create callback: 400 queueId is not a queue");
    expect(text).not.toContain("Longrun is escalating");
    expect(text).toContain("What happens next Nothing more happens by itself: nobody has been routed to the customer.");
  });

  it("needs the agent: first group, announced and toasted when it happens", () => {
    const pending = workflowIn("PENDING");
    const dead = { ...deadDispatch(), workflow_id: pending.workflow_id };
    expect(arrangeWorkflows([dead]).needsYou).toHaveLength(1);
    const snapshot = (w: PanelWorkflow): PanelSnapshot => ({ conversation_id: "c", generated_at: at(30), workflows: [w], task_type_names: {} });
    const before = { ...pending, task: { ...pending.task!, status: "QUEUED" as const } };
    const changes = snapshotChanges(snapshot(before), snapshot(dead), t);
    expect(changes.announcements).toEqual([`Fraud verification: Not started. ${headline(dead, t)}`]);
    expect(changes.toasts).toEqual([{ id: `longrun-${dead.workflow_id}`, title: "Fraud verification failed", message: headline(dead, t), type: "error" }]);
  });
});

describe("a dead-lettered follow-up (the result never reached a customer who left)", () => {
  const notPassedOn = (success: boolean): PanelWorkflow => {
    const w = workflowIn(success ? "COMPLETED" : "FAILED");
    return { ...w, session_state: "ENDED", delivery_failure: { kind: "RESULT_FOLLOW_UP", error: "create callback: 400 callback number is not valid", http_status: 400, at: at(70) } };
  };

  it("reads as a failure that nobody told the customer, with the error and what to say, never as followed up", () => {
    const { html, text } = render(notPassedOn(true));
    expect(html).toContain('<gux-badge accent="error" data-testid="status">Result not passed on</gux-badge>');
    expect(html).toContain('class="lr-card lr-tone-danger"');
    expect(text).toContain("Fraud verification succeeded, but Longrun could not pass the result on to the customer — nobody has told them yet.");
    expect(text).toContain("What went wrong Genesys did not take Longrun's follow-up (HTTP 400): create callback: 400 callback number is not valid");
    expect(text).toContain("Tell the customer Call the customer back if you can: the check went through and the request can go ahead.");
    expect(guidance(notPassedOn(false), t, time)!.tell).toBe("Call the customer back if you can: the check did not go through; explain what they can do instead.");
    const late: PanelWorkflow = { ...lateResult(true), delivery_failure: { kind: "LATE_RESULT", error: null, http_status: 503, at: at(400) } };
    expect(statusOf(late, t).label).toBe("Late result not passed on");
    expect(guidance(late, t, time)!.next).toBe("Nothing more happens by itself: the result has not reached the customer, and no callback or message is on its way.");
  });

  it("is toasted as not passed on (not as 'failed' for a success) and needs the agent", () => {
    const before = workflowIn("COMPLETED");
    const after = { ...notPassedOn(true), workflow_id: before.workflow_id };
    const snapshot = (w: PanelWorkflow): PanelSnapshot => ({ conversation_id: "c", generated_at: at(80), workflows: [w], task_type_names: {} });
    expect(snapshotChanges(snapshot(before), snapshot(after), t).toasts).toEqual([
      { id: `longrun-${after.workflow_id}`, title: "Fraud verification: the result did not reach the customer", message: headline(after, t), type: "error" },
    ]);
    expect(arrangeWorkflows([after]).needsYou).toHaveLength(1);
  });

  it.each(supportedLocales.filter((l) => l !== "en-US"))("speaks %s", (locale) => {
    const s = speechFor([locale], "UTC");
    const tr = translator(s);
    for (const success of [true, false]) {
      const w = notPassedOn(success);
      const own = guidance(w, tr, (iso) => clockTime(iso, s))!;
      expect(own.next).not.toBe(guidance(w, t, time)!.next);
      expect(own.tell).not.toBe(guidance(w, t, time)!.tell);
      expect(headline(w, tr)).not.toBe(headline(w, t));
      expect(statusOf(w, tr).label).not.toBe(statusOf(w, t).label);
      expect(render(w, locale).text).toContain(own.tell);
    }
  });
});

describe("guidance: what happens next and what to tell the customer", () => {
  it("names the queue the timeout flow transfers to, by name from the settings", () => {
    const escalated = { ...workflowIn("ESCALATED"), specialist_queue: "Fraud Specialists" };
    expect(guidance(escalated, t, time)).toEqual({
      next: "The timeout flow transfers the call to Fraud Specialists.",
      tell: "The check takes longer than expected; a specialist from Fraud Specialists takes over now.",
    });
    expect(guidance(workflowIn("ESCALATED"), t, time)!.next).toBe("The timeout flow transfers the call to the specialists' queue.");
    expect(guidance({ ...workflowIn("TIMED_OUT"), specialist_queue: "Fraud Specialists" }, t, time)!.next).toBe("Longrun is launching the timeout flow, which transfers the call to Fraud Specialists.");
  });

  it("gives a scheduled callback's number and when it was requested", () => {
    expect(guidance(workflowIn("CALLBACK_SCHEDULED"), t, time)).toEqual({
      next: "Genesys calls the customer back on +15551234567 as soon as an agent of the callback queue is free (requested at 10:05:08 AM).",
      tell: "They will be called back on +15551234567 with the result; they do not need to call again.",
    });
  });

  it("names the callback queue by the name the settings saved, in every language, and falls back when it is unknown", () => {
    const named = (w: PanelWorkflow): PanelWorkflow => ({ ...w, escalation: { ...w.escalation!, callback_queue: "Card Callbacks" } });
    const callback = workflowIn("CALLBACK_SCHEDULED");
    expect(guidance(named(callback), t, time)!.next).toBe("Genesys calls the customer back on +15551234567 as soon as an agent of Card Callbacks is free (requested at 10:05:08 AM).");
    const { text } = render(named(callback));
    expect(text).toContain("as soon as an agent of Card Callbacks is free");
    for (const locale of supportedLocales) {
      const s = speechFor([locale], "UTC");
      const tr = translator(s);
      const withName = guidance(named(callback), tr, (iso) => clockTime(iso, s))!.next;
      const without = guidance(callback, tr, (iso) => clockTime(iso, s))!.next;
      expect(withName, locale).toContain("Card Callbacks");
      expect(withName, locale).toContain("+15551234567");
      expect(without, locale).not.toContain("Card Callbacks");
      // The fallback is words, never the placeholder.
      expect(without, locale).not.toMatch(/none|\{|\}/);
      expect(render(named(callback), locale).text, locale).toContain(withName);
    }
  });

  it("says what a late result changes, for the path Longrun took", () => {
    expect(guidance(lateResult(true), t, time)!.next).toBe("The result came after Longrun escalated, and it is a success: the specialist who has the call sees it and can go ahead.");
    const viaCallback = { ...lateResult(false), escalation: { path: "CALLBACK" as const, at: at(308), callback_number: null, callback_queue: null } };
    expect(guidance(viaCallback, t, time)).toEqual({
      next: "The result came after Longrun escalated, and it is negative: the agent who takes the callback must not go ahead with the request.",
      tell: "The check did not go through; explain what they can do instead.",
    });
  });

  it("says plainly that nobody told the customer of an open notice, and what to do", () => {
    const { text } = render(workflowIn("NOTIFIED"));
    expect(text).toContain("What happens next Nobody has told the customer yet, and nothing more happens by itself.");
    expect(text).toContain("Tell the customer Call the customer back with the outcome if you can; otherwise tell your supervisor (the notice is on the admins' open-notices list).");
  });

  it("tells the customer when a running check should be done", () => {
    expect(guidance(workflowIn("PENDING"), t, time)!.tell).toBe("The check is running and should be done by 10:05:05 AM.");
    expect(guidance(workflowIn("INITIATED"), t, time)).toBeNull();
    expect(guidance(workflowIn("CANCELLED"), t, time)).toBeNull();
  });

  const states: Array<[string, PanelWorkflow]> = [
    ["pending", workflowIn("PENDING")],
    ["completed", workflowIn("COMPLETED")],
    ["failed", workflowIn("FAILED")],
    ["timed out", { ...workflowIn("TIMED_OUT"), specialist_queue: "Fraud Specialists" }],
    ["escalated", { ...workflowIn("ESCALATED"), specialist_queue: "Fraud Specialists" }],
    ["callback", workflowIn("CALLBACK_SCHEDULED")],
    ["open notice", workflowIn("NOTIFIED")],
    ["late success", lateResult(true)],
    ["late failure", lateResult(false)],
    ["dead dispatch", deadDispatch()],
    ["dead escalation", deadEscalation()],
  ];

  it.each(supportedLocales.filter((l) => l !== "en-US"))("speaks %s in every state, with the queue and number it was given", (locale) => {
    const s = speechFor([locale], "UTC");
    const tr = translator(s);
    for (const [name, workflow] of states) {
      const own = guidance(workflow, tr, (iso) => clockTime(iso, s))!;
      const english = guidance(workflow, t, time)!;
      expect(own.next, `${locale} ${name}`).not.toBe(english.next);
      expect(own.tell, `${locale} ${name}`).not.toBe(english.tell);
      if (workflow.specialist_queue && name !== "dead escalation") expect(`${own.next} ${own.tell}`, `${locale} ${name}`).toContain("Fraud Specialists");
      if (name === "callback") expect(own.tell, locale).toContain("+15551234567");
      expect(statusOf(workflow, tr).label, `${locale} ${name}`).not.toBe("");
      expect(render(workflow, locale).text, `${locale} ${name}`).toContain(own.next);
    }
  });
});
