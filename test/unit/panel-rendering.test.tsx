import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { workflowStatuses, type WorkflowStatus } from "@/lib/domain/workflow-machine";
import { speechFor, translator } from "@/lib/i18n/messages";
import type { FeedStatus } from "@/lib/panel/live-feed";
import type { PanelSnapshot, PanelWorkflow } from "@/lib/panel/panel-types";
import { InstallHelp } from "@/app/panel/install-help";
import { PanelView } from "@/app/panel/panel-view";
import { WorkflowCard } from "@/app/panel/workflow-card";
import { at, lateResult, t0, workflowIn } from "@/test/unit/panel-fixtures";

const speech = speechFor(["en-US"], "UTC");
const t = translator(speech);
const live: FeedStatus = { state: "live", lastSuccessAt: t0.getTime(), retryAt: null };

/** Visible text, tags dropped, whitespace collapsed. */
function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
}

function render(workflow: PanelWorkflow, now = new Date(at(65)), collapsed = false) {
  const html = renderToStaticMarkup(<WorkflowCard workflow={workflow} now={now} speech={speech} t={t} names={{}} collapsed={collapsed} />);
  return { workflow, html, text: textOf(html) };
}

function card(status: WorkflowStatus, now = new Date(at(65))) {
  return render(workflowIn(status), now);
}

const expected: Record<WorkflowStatus, { badge: string; tone: string; accent: string; headline: string }> = {
  INITIATED: { badge: "Started", tone: "neutral", accent: "inherit", headline: "Started; no task has been sent yet." },
  PENDING: { badge: "In progress", tone: "progress", accent: "info", headline: "Waiting for the result: Fraud verification." },
  COMPLETED: { badge: "Completed", tone: "success", accent: "success", headline: "Fraud verification succeeded." },
  FAILED: { badge: "Failed", tone: "danger", accent: "error", headline: "Fraud verification failed: card reported stolen" },
  TIMED_OUT: { badge: "Timed out", tone: "warning", accent: "warning", headline: "Fraud verification did not answer in time; Longrun is escalating." },
  ESCALATED: { badge: "Escalated", tone: "warning", accent: "warning", headline: "Fraud verification did not answer in time; Longrun launched the timeout flow while the customer is still connected." },
  CALLBACK_SCHEDULED: { badge: "Callback scheduled", tone: "warning", accent: "warning", headline: "Fraud verification did not answer in time; Longrun scheduled a callback to the customer." },
  NOTIFIED: {
    badge: "Customer not told yet",
    tone: "danger",
    accent: "error",
    headline:
      "Fraud verification did not answer in time. Nobody has told the customer yet (no callback queue configured). If you can, call the customer back and tell them; otherwise tell your supervisor — it is on the admins' open-notices list.",
  },
  CANCELLED: { badge: "Cancelled", tone: "neutral", accent: "inherit", headline: "Cancelled: customer hung up" },
};

describe("WorkflowCard: every workflow state in words and colour", () => {
  it.each(workflowStatuses)("%s", (status) => {
    const { html, text, workflow } = card(status);
    const want = expected[status];
    expect(html).toContain(`<gux-badge accent="${want.accent}" data-testid="status">${want.badge}</gux-badge>`);
    expect(html).toContain(`class="lr-card lr-tone-${want.tone}"`);
    expect(html).toContain(`data-status="${status}"`);
    expect(html).toMatch(new RegExp(`<article [^>]*aria-labelledby="lr-wf-${workflow.workflow_id}"`));
    expect(text).toContain(want.headline);
    // Every event of the audit log is on the timeline, with its time; no internal code is shown.
    expect((html.match(/<li class="lr-event /g) ?? []).length).toBe(workflow.events.length);
    expect(text).toContain("10:00:00 AM Workflow started · Architect flow");
    expect(text).not.toMatch(/FRAUD_VERIFICATION|\(COMPLETED\)|\bPENDING\b/);
  });

  it("counts down to the task's deadline while it runs", () => {
    const { html, text } = card("PENDING", new Date(at(60)));
    expect(html).toContain('role="timer"');
    expect(html).toContain('aria-label="4 minutes and 5 seconds left"');
    expect(text).toContain("4:05 left · due 10:05:05 AM");
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

  it("shows the result in words: success with its fields, failure with its reason once", () => {
    const ok = card("COMPLETED").text;
    expect(ok).toContain("Result Success");
    expect(ok).toContain("Score 712");
    expect(ok).toContain("Decision approve");
    expect(ok).toContain("Nested · Ignored Yes");
    expect(ok).toContain("10:01:05 AM Result: success · external system");
    const bad = card("FAILED").text;
    expect(bad).toContain("Result Failed");
    expect(bad.match(/card reported stolen/g)).toHaveLength(1);
  });

  it("formats booleans and amounts, wraps long keys, and folds fields past six", () => {
    const workflow = workflowIn("COMPLETED");
    workflow.task = {
      ...workflow.task!,
      result_data: { manual_review_required: false, approved_amount: 12000.5, currency: "USD", customer_verification_reference_number_for_audit: "A-77", a: 1, b: 2, c: 3, d: 4 },
    };
    const { html, text } = render(workflow);
    expect(text).toContain("Manual review required No");
    expect(text).toContain("Approved amount $12,000.50");
    expect(text).toContain("Customer verification reference number for audit A-77");
    expect(text).toContain("1 more field");
    expect(html).toContain('<details class="lr-more">');
    const de = translator(speechFor(["de"], "UTC"));
    const german = textOf(renderToStaticMarkup(<WorkflowCard workflow={workflow} now={new Date(at(65))} speech={speechFor(["de"], "UTC")} t={de} names={{}} />));
    expect(german).toContain("Manual review required Nein");
    expect(german).toContain("Approved amount 12.000,50 $");
  });

  it("shortens a long or JSON error from the external system and keeps the full text on demand", () => {
    const workflow = workflowIn("FAILED");
    const raw = JSON.stringify({ error: { code: "BUREAU_TIMEOUT", message: "The credit bureau did not answer within 30 seconds" }, trace: "x".repeat(400) });
    workflow.task = { ...workflow.task!, failure_reason: raw };
    workflow.events = workflow.events.map((e) => (e.type === "TASK_FAILED" ? { ...e, data: { reason: raw } } : e));
    const { html, text } = render(workflow);
    expect(text).toContain("Fraud verification failed: The credit bureau did not answer within 30 seconds");
    expect(html).toContain('<details class="lr-full-error"><summary>Full message</summary>');
    expect(text.split("did not answer within 30 seconds").length - 1).toBe(2); // headline + full message, nowhere else
    expect(text).toContain("Result: failed · external system");
  });

  it("says what Longrun did on timeout, for each escalation path", () => {
    expect(card("TIMED_OUT").text).toContain("On timeout No answer by 10:05:06 AM. Longrun is escalating: the timeout flow if the customer is still connected, otherwise a callback or a notice.");
    expect(card("ESCALATED").text).toContain("Longrun launched the timeout flow at 10:05:07 AM while the customer was still connected.");
    expect(card("CALLBACK_SCHEDULED").text).toContain("Longrun scheduled a callback to the customer at 10:05:08 AM.");
    expect(card("NOTIFIED").text).toContain("At 10:05:09 AM Longrun could reach the customer neither by flow nor by callback. Nobody has told the customer yet");
    expect(card("NOTIFIED").text).toContain("10:05:09 AM Nobody could reach the customer: notice opened for the admins · Longrun");
    expect(card("CALLBACK_SCHEDULED").text).toContain("10:05:06 AM No result by the deadline · Longrun (timeout check)");
    expect(card("COMPLETED").html).not.toContain("lr-timeout");
  });

  it("says a notice reached the customer only when Genesys took the message, and who followed up otherwise", () => {
    const withNotice = (notice: NonNullable<PanelWorkflow["notice"]>, data: Record<string, unknown>) => {
      const base = workflowIn("NOTIFIED");
      const events = [...base.events.slice(0, -1), { ...base.events[base.events.length - 1]!, data: { path: "NOTICE", ...data } }];
      return render({ ...base, notice, events }, new Date(at(400)));
    };
    const sent = withNotice({ state: "sent", channel: "sms", recipient: "+15551234567", reason: "no callback queue configured", resolution: null, resolved_by: null, at: at(309) }, { notice: "sent", channel: "sms" });
    expect(sent.html).toContain('<gux-badge accent="warning" data-testid="status">Customer notified</gux-badge>');
    expect(sent.text).toContain("Longrun sent the customer an SMS (+15551234567).");
    expect(sent.text).toContain("10:05:09 AM Longrun sent the customer an SMS · Longrun");
    expect(sent.text).not.toContain("Nobody has told");

    const email = withNotice({ state: "sent", channel: "email", recipient: "pat@example.com", reason: null, resolution: null, resolved_by: null, at: at(309) }, { notice: "sent", channel: "email" });
    expect(email.text).toContain("Longrun sent the customer an email (pat@example.com).");

    const resolved = withNotice({ state: "resolved", channel: null, recipient: null, reason: "no callback queue configured", resolution: "called her, card is blocked", resolved_by: "admin:Sam Supervisor (u-1)", at: at(390) }, { notice: "open" });
    expect(resolved.html).toContain(">Followed up</gux-badge>");
    expect(resolved.text).toContain("Sam Supervisor followed up with the customer: called her, card is blocked.");
    const german = renderToStaticMarkup(<WorkflowCard workflow={{ ...workflowIn("NOTIFIED") }} now={new Date(at(400))} speech={speechFor(["de"], "UTC")} t={translator(speechFor(["de"]))} names={{}} />);
    expect(textOf(german)).toContain("Niemand hat den Kunden bisher informiert (no callback queue configured).");
  });

  it("shows a late result beside what was done on timeout", () => {
    const good = render(lateResult(true), new Date(at(401))).text;
    expect(good).toContain("Fraud verification succeeded (late).");
    expect(good).toContain("Then the result arrived late: success.");
    expect(good).toContain("Late result: success · external system");
    const bad = render(lateResult(false), new Date(at(401))).text;
    expect(bad).toContain("Fraud verification failed (late): no record found");
    expect(bad).toContain("Then the result arrived late: failed.");
    expect(bad).toContain("Late result: failed · external system");
  });

  it("lists the timeline newest first, folded in a Spark accordion", () => {
    const { html } = card("ESCALATED");
    expect(html).toMatch(/<gux-accordion-section class="lr-timeline-section" data-testid="timeline"><h4 slot="header">Timeline \(4 events\)<\/h4>/);
    expect(html).not.toMatch(/<gux-accordion-section[^>]* open/);
    const times = [...html.matchAll(/<li class="lr-event [^"]*" data-kind="event"><time dateTime="([^"]+)"/g)].map((m) => m[1]);
    expect(times).toEqual([at(307), at(306), at(5), at(0)]);
  });

  it("folds a finished workflow to its headline, with the rest under Details", () => {
    const { html } = render(workflowIn("COMPLETED"), new Date(at(65)), true);
    expect(html).toContain('class="lr-card lr-tone-success lr-collapsed"');
    expect(html).toMatch(/<p class="lr-headline" data-testid="headline">Fraud verification succeeded.<\/p><gux-accordion-section class="lr-card-details" data-testid="details"><h4 slot="header">Details<\/h4>/);
  });

  it("escapes what external systems send", () => {
    const workflow = workflowIn("FAILED");
    workflow.task = { ...workflow.task!, failure_reason: "<img src=x onerror=alert(1)>" };
    const { html } = render(workflow, t0);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("PanelView", () => {
  const snapshot = (workflows: PanelSnapshot["workflows"]): PanelSnapshot => ({ conversation_id: "c", generated_at: at(0), workflows, task_type_names: {} });
  const view = (props: Partial<Parameters<typeof PanelView>[0]> & { snapshot: PanelSnapshot | null }) =>
    renderToStaticMarkup(<PanelView status={live} now={t0} speech={speech} t={t} announcement="" {...props} />);

  it("says there is no workflow yet when the conversation has none", () => {
    const html = view({ snapshot: snapshot([]) });
    expect(textOf(html)).toContain("No workflow for this interaction yet.");
    expect(html).toContain('class="lr-conn lr-conn-live"');
  });

  it("puts what needs the agent first, then running, then finished (folded), under a summary line", () => {
    const done = [workflowIn("COMPLETED"), workflowIn("CANCELLED"), workflowIn("COMPLETED")];
    const html = view({ snapshot: snapshot([...done, workflowIn("PENDING"), workflowIn("FAILED")]), announcement: "Fraud verification: Completed." });
    expect(textOf(html)).toContain("1 needs you · 1 in progress · 3 done");
    expect([...html.matchAll(/data-group="([^"]+)"/g)].map((m) => m[1])).toEqual(["needs-you", "in-progress", "done"]);
    expect([...html.matchAll(/<article [^>]*data-status="([A-Z_]+)"/g)].map((m) => m[1])).toEqual(["FAILED", "PENDING", "COMPLETED", "CANCELLED", "COMPLETED"]);
    expect((html.match(/lr-collapsed/g) ?? []).length).toBe(3);
    expect(html).toContain('<div role="status" aria-live="polite" aria-atomic="true" class="lr-sr-only" data-testid="announcer">Fraud verification: Completed.</div>');
  });

  it("dims the cards and marks them stale, says when the data is from, and offers a retry while offline", () => {
    const offline: FeedStatus = { state: "offline", lastSuccessAt: new Date(at(10)).getTime(), retryAt: new Date(at(68)).getTime() };
    const html = view({ snapshot: snapshot([workflowIn("PENDING")]), status: offline, now: new Date(at(60)), onRetry: () => undefined });
    expect(textOf(html)).toContain("Stale Longrun is unreachable. Showing data from 10:00:10 AM. Retrying in 8 seconds.");
    expect(html).toContain('<gux-button-slot accent="secondary"><button type="button">Retry now</button></gux-button-slot>');
    expect(html).toContain('class="lr-groups lr-stale" data-stale="true"');
    expect(view({ snapshot: snapshot([workflowIn("PENDING")]) })).not.toContain("lr-stale");
  });

  it("says when it is polling instead of streaming, and when it is still loading", () => {
    expect(textOf(view({ snapshot: snapshot([]), status: { state: "polling", lastSuccessAt: null, retryAt: null } }))).toContain("Updating every few seconds");
    const loading = view({ snapshot: null, status: { state: "connecting", lastSuccessAt: null, retryAt: null } });
    expect(textOf(loading)).toContain("Connecting… Loading workflows…");
    expect(loading).toContain('aria-busy="true"');
  });

  it("speaks German and Japanese with their own formats", () => {
    const deSpeech = speechFor(["de-DE"], "UTC");
    const de = textOf(renderToStaticMarkup(<PanelView snapshot={snapshot([workflowIn("PENDING"), workflowIn("FAILED")])} status={live} now={new Date(at(60))} speech={deSpeech} t={translator(deSpeech)} announcement="" />));
    expect(de).toContain("1 braucht Sie · 1 in Arbeit");
    expect(de).toContain("noch 4:05 · fällig um 10:05:05");
    const jaSpeech = speechFor(["ja"], "UTC");
    const ja = textOf(renderToStaticMarkup(<PanelView snapshot={snapshot([workflowIn("PENDING")])} status={live} now={new Date(at(60))} speech={jaSpeech} t={translator(jaSpeech)} announcement="" />));
    expect(ja).toContain("進行中 1 件");
    expect(ja).toContain("残り 4:05・期限 10:05:05");
  });
});

describe("InstallHelp", () => {
  it("gives the interaction widget URL with the Genesys placeholders", () => {
    const text = textOf(renderToStaticMarkup(<InstallHelp origin="https://longrun.example.com" t={t} />));
    expect(text).toContain("https://longrun.example.com/panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}");
    expect(text).toContain("Interaction Widget");
    expect(text).toContain("https://longrun.example.com/panel among its redirect URIs");
  });
});
