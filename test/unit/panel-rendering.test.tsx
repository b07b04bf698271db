import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { workflowStatuses, type WorkflowStatus } from "@/lib/domain/workflow-machine";
import type { FeedStatus } from "@/lib/panel/live-feed";
import type { PanelSnapshot } from "@/lib/panel/panel-types";
import { InstallHelp } from "@/app/panel/install-help";
import { PanelView } from "@/app/panel/panel-view";
import { WorkflowCard } from "@/app/panel/workflow-card";
import { at, lateResult, t0, workflowIn } from "@/test/unit/panel-fixtures";

const format = { locale: "en-GB", timeZone: "UTC" };
const live: FeedStatus = { state: "live", lastSuccessAt: t0.getTime(), retryAt: null };

/** Visible text, tags dropped, whitespace collapsed. */
function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
}

function card(status: WorkflowStatus, now = new Date(at(65))) {
  const workflow = workflowIn(status);
  const html = renderToStaticMarkup(<WorkflowCard workflow={workflow} now={now} format={format} />);
  return { workflow, html, text: textOf(html) };
}

const expected: Record<WorkflowStatus, { badge: string; tone: string; headline: string }> = {
  INITIATED: { badge: "Started", tone: "neutral", headline: "Started; no task has been sent yet." },
  PENDING: { badge: "In progress", tone: "progress", headline: "Waiting for the result: Fraud verification." },
  COMPLETED: { badge: "Completed", tone: "success", headline: "Fraud verification succeeded." },
  FAILED: { badge: "Failed", tone: "danger", headline: "Fraud verification failed: card reported stolen" },
  TIMED_OUT: { badge: "Timed out", tone: "warning", headline: "Fraud verification did not answer in time; Longrun is escalating." },
  ESCALATED: { badge: "Escalated", tone: "warning", headline: "Fraud verification did not answer in time; Longrun launched the timeout flow while the customer is still connected." },
  CALLBACK_SCHEDULED: { badge: "Callback scheduled", tone: "warning", headline: "Fraud verification did not answer in time; Longrun scheduled a callback to the customer." },
  NOTIFIED: {
    badge: "Customer not told yet",
    tone: "danger",
    headline:
      "Fraud verification did not answer in time. Nobody has told the customer yet (no callback queue configured). If you can, call the customer back and tell them; otherwise tell your supervisor — it is on the admins' open-notices list.",
  },
  CANCELLED: { badge: "Cancelled", tone: "neutral", headline: "Cancelled: customer hung up" },
};

describe("WorkflowCard: every workflow state in words and colour", () => {
  it.each(workflowStatuses)("%s", (status) => {
    const { html, text, workflow } = card(status);
    const want = expected[status];
    expect(html).toContain(`<span class="lr-badge lr-tone-${want.tone}" data-testid="status">${want.badge}</span>`);
    expect(html).toContain(`class="lr-card lr-tone-${want.tone}"`);
    expect(html).toContain(`data-status="${status}"`);
    expect(html).toMatch(new RegExp(`<article [^>]*aria-labelledby="lr-wf-${workflow.workflow_id}"`));
    expect(text).toContain(want.headline);
    // Every event of the audit log is on the timeline, with its time.
    expect((html.match(/<li class="lr-event /g) ?? []).length).toBe(workflow.events.length);
    expect(text).toContain("10:00:00 Workflow started · Architect flow");
  });

  it("counts down to the task's deadline while it runs", () => {
    const { html, text } = card("PENDING", new Date(at(60)));
    expect(html).toContain('role="timer"');
    expect(html).toContain('aria-label="4 minutes 5 seconds left"');
    expect(text).toContain("4:05 left · due 10:05:05");
    expect(text).toContain("Task status Accepted, waiting for the result");
  });

  it("turns overdue once the deadline has passed", () => {
    const { html, text } = card("PENDING", new Date(at(317)));
    expect(html).toContain('class="lr-countdown lr-overdue"');
    expect(html).toContain('aria-label="Overdue by 12 seconds"');
    expect(text).toContain("Overdue by 0:12 · Longrun escalates on its next check");
    expect(textOf(card("PENDING", new Date(at(305))).html)).toContain("Overdue by 0:01");
  });

  it("shows no countdown once the task has its result", () => {
    for (const status of ["COMPLETED", "FAILED", "TIMED_OUT", "ESCALATED", "CANCELLED"] as const) {
      expect(card(status).html).not.toContain('role="timer"');
    }
  });

  it("shows the result: success with its fields, failure with its reason", () => {
    const ok = card("COMPLETED").text;
    expect(ok).toContain("Result Success (COMPLETED)");
    expect(ok).toContain("Score 712");
    expect(ok).toContain("Decision approve");
    expect(ok).not.toContain("ignored");
    expect(ok).toContain("10:01:05 Result: success · external system");
    const bad = card("FAILED").text;
    expect(bad).toContain("Result Failed: card reported stolen");
    expect(bad).toContain("Result: failed (card reported stolen)");
  });

  it("says what Longrun did on timeout, for each escalation path", () => {
    expect(card("TIMED_OUT").text).toContain("On timeout No answer by 10:05:06. Longrun is escalating: the timeout flow if the customer is still connected, otherwise a callback or a notice.");
    expect(card("ESCALATED").text).toContain("Longrun launched the timeout flow while the customer is still connected at 10:05:07.");
    expect(card("CALLBACK_SCHEDULED").text).toContain("Longrun scheduled a callback to the customer at 10:05:08.");
    expect(card("NOTIFIED").text).toContain("At 10:05:09 Longrun could reach the customer neither by flow nor by callback. Nobody has told the customer yet");
    expect(card("NOTIFIED").text).toContain("10:05:09 Nobody could reach the customer: notice opened for the admins · Longrun");
    expect(card("CALLBACK_SCHEDULED").text).toContain("10:05:06 No result by the deadline · Longrun (timeout check)");
    expect(card("COMPLETED").html).not.toContain("lr-timeout");
  });

  it("says a notice reached the customer only when Genesys took the message, and who followed up otherwise", () => {
    const render = (notice: NonNullable<ReturnType<typeof workflowIn>["notice"]>, data: Record<string, unknown>) => {
      const base = workflowIn("NOTIFIED");
      const events = [...base.events.slice(0, -1), { ...base.events[base.events.length - 1]!, data: { path: "NOTICE", ...data } }];
      const html = renderToStaticMarkup(<WorkflowCard workflow={{ ...base, notice, events }} now={new Date(at(400))} format={format} />);
      return { html, text: textOf(html) };
    };
    const sent = render({ state: "sent", channel: "sms", recipient: "+15551234567", reason: "no callback queue configured", resolution: null, resolved_by: null, at: at(309) }, { notice: "sent", channel: "sms" });
    expect(sent.html).toContain('<span class="lr-badge lr-tone-warning" data-testid="status">Customer notified</span>');
    expect(sent.text).toContain("Longrun sent the customer an SMS (+15551234567).");
    expect(sent.text).toContain("10:05:09 Longrun sent the customer an SMS · Longrun");
    expect(sent.text).not.toContain("Nobody has told");

    const email = render({ state: "sent", channel: "email", recipient: "pat@example.com", reason: null, resolution: null, resolved_by: null, at: at(309) }, { notice: "sent", channel: "email" });
    expect(email.text).toContain("Longrun sent the customer an email (pat@example.com).");

    const resolved = render({ state: "resolved", channel: null, recipient: null, reason: "no callback queue configured", resolution: "called her, card is blocked", resolved_by: "admin:Sam Supervisor (u-1)", at: at(390) }, { notice: "open" });
    expect(resolved.html).toContain(">Followed up</span>");
    expect(resolved.text).toContain("Sam Supervisor followed up with the customer: called her, card is blocked.");
  });

  it("shows a late result beside what was done on timeout", () => {
    const good = textOf(renderToStaticMarkup(<WorkflowCard workflow={lateResult(true)} now={new Date(at(401))} format={format} />));
    expect(good).toContain("Fraud verification succeeded (late).");
    expect(good).toContain("Then the result arrived late: success.");
    expect(good).toContain("Late result: success · external system");
    const bad = textOf(renderToStaticMarkup(<WorkflowCard workflow={lateResult(false)} now={new Date(at(401))} format={format} />));
    expect(bad).toContain("Fraud verification failed (late): no record found");
    expect(bad).toContain("Then the result arrived late: failed (no record found).");
    expect(bad).toContain("Late result: failed (no record found)");
  });

  it("lists the timeline newest first, under a keyboard-operable disclosure", () => {
    const { html } = card("ESCALATED");
    expect(html).toMatch(/<details class="lr-details" open=""><summary>Timeline \(4 events\)<\/summary>/);
    const times = [...html.matchAll(/<li class="lr-event [^"]*"><time dateTime="([^"]+)"/g)].map((m) => m[1]);
    expect(times).toEqual([at(307), at(306), at(5), at(0)]);
  });

  it("escapes what external systems send", () => {
    const workflow = workflowIn("FAILED");
    workflow.task = { ...workflow.task!, failure_reason: "<img src=x onerror=alert(1)>" };
    const html = renderToStaticMarkup(<WorkflowCard workflow={workflow} now={t0} format={format} />);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("PanelView", () => {
  const snapshot = (workflows: PanelSnapshot["workflows"]): PanelSnapshot => ({ conversation_id: "c", generated_at: at(0), workflows });

  it("says there is no workflow yet when the conversation has none", () => {
    const html = renderToStaticMarkup(<PanelView snapshot={snapshot([])} status={live} now={t0} format={format} announcement="" />);
    expect(textOf(html)).toContain("No workflow for this interaction yet.");
    expect(html).toContain('class="lr-conn lr-conn-live"');
  });

  it("renders every workflow, and a polite live region with the latest change", () => {
    const html = renderToStaticMarkup(
      <PanelView snapshot={snapshot([workflowIn("PENDING"), workflowIn("COMPLETED")])} status={live} now={t0} format={format} announcement="Fraud verification: Completed." />,
    );
    expect((html.match(/<article /g) ?? []).length).toBe(2);
    expect(html).toContain('<div role="status" aria-live="polite" aria-atomic="true" class="lr-sr-only" data-testid="announcer">Fraud verification: Completed.</div>');
  });

  it("shows a stale badge, when the data is from, and a retry button while offline", () => {
    const offline: FeedStatus = { state: "offline", lastSuccessAt: new Date(at(10)).getTime(), retryAt: new Date(at(68)).getTime() };
    const html = renderToStaticMarkup(<PanelView snapshot={snapshot([workflowIn("PENDING")])} status={offline} now={new Date(at(60))} format={format} announcement="" onRetry={() => undefined} />);
    const text = textOf(html);
    expect(text).toContain("Stale Longrun is unreachable. Showing data from 10:00:10. Retrying in 8 s.");
    expect(html).toContain('<button type="button" class="lr-button">Retry now</button>');
    expect((html.match(/<article /g) ?? []).length).toBe(1);
  });

  it("says when it is polling instead of streaming, and when it is still loading", () => {
    const polling = renderToStaticMarkup(<PanelView snapshot={snapshot([])} status={{ state: "polling", lastSuccessAt: null, retryAt: null }} now={t0} format={format} announcement="" />);
    expect(textOf(polling)).toContain("Updating every few seconds");
    const loading = renderToStaticMarkup(<PanelView snapshot={null} status={{ state: "connecting", lastSuccessAt: null, retryAt: null }} now={t0} format={format} announcement="" />);
    expect(textOf(loading)).toContain("Connecting… Loading workflows…");
    expect(loading).toContain('aria-busy="true"');
  });
});

describe("InstallHelp", () => {
  it("gives the interaction widget URL with the Genesys placeholders", () => {
    const text = textOf(renderToStaticMarkup(<InstallHelp origin="https://longrun.example.com" />));
    expect(text).toContain("https://longrun.example.com/panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}");
    expect(text).toContain("Interaction Widget");
  });
});
