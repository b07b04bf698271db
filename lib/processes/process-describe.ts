// Process definitions in words, for the admin pages: each step with its
// settings and every way out of it, defaults included (from edgesOf, the
// same edges the validation walks), so what an admin reads is what runs.
// Every sentence is a catalogue message (processes.fact.*) in the admin's
// language; numbers and durations go through Intl in their locale.
import { edgesOf, stepTitle, type ProcessDefinition, type ProcessStep } from "@/lib/domain/process-definition";
import { durationWords, formatList } from "@/lib/i18n/format";
import type { Speech, Translator } from "@/lib/i18n/messages";

type Formatting = Pick<Speech, "formatLocale" | "timeZone">;

export interface StepExit {
  /** success, woken (a wait's success), failure or timeout */
  when: "success" | "woken" | "failure" | "timeout";
  /** A branch case in words ("if risk is LOW"): the result field's value that chooses this way. */
  condition: string | null;
  to: string;
  /** Not written in the definition: Longrun's default. */
  implicit: boolean;
}

export interface DescribedStep {
  index: number;
  name: string;
  title: string;
  kind: ProcessStep["kind"];
  facts: string[];
  exits: StepExit[];
}

const day = 86_400;

/**
 * Seconds as the admin reads them: whole days as days ("2 days", "2 Tage"),
 * anything else in hours, minutes and seconds ("1 minute and 30 seconds").
 */
export function stepDuration(seconds: number, speech: Formatting): string {
  if (seconds >= day && seconds % day === 0) {
    return new Intl.NumberFormat(speech.formatLocale, { style: "unit", unit: "day", unitDisplay: "long" }).format(seconds / day);
  }
  return durationWords(seconds * 1000, speech);
}

function factsOf(step: ProcessStep, t: Translator, speech: Formatting): string[] {
  const duration = (seconds: number) => stepDuration(seconds, speech);
  switch (step.kind) {
    case "task": {
      const facts = [t("processes.fact.taskType", { type: step.task_type })];
      facts.push(step.timeout ? t("processes.fact.timeout", { duration: duration(step.timeout) }) : t("processes.fact.timeoutDefault"));
      if (step.heartbeat_timeout) facts.push(t("processes.fact.heartbeat", { duration: duration(step.heartbeat_timeout) }));
      if (step.retry) {
        const r = step.retry;
        // Temporal's default cap: 100 × the first interval.
        const cap = r.max_interval ?? r.initial_interval * 100;
        facts.push(
          r.backoff_coefficient === 1 || cap <= r.initial_interval
            ? t("processes.fact.retryFixed", { attempts: r.max_attempts, interval: duration(Math.min(r.initial_interval, cap)) })
            : t("processes.fact.retry", { attempts: r.max_attempts, initial: duration(r.initial_interval), coefficient: r.backoff_coefficient, cap: duration(cap) }),
        );
        if (r.non_retryable.length > 0) facts.push(t("processes.fact.notRetried", { reasons: formatList(r.non_retryable, speech) }));
      } else {
        facts.push(t("processes.fact.once"));
      }
      if (step.input && Object.keys(step.input).length > 0) {
        // Field names and references are what the admin wrote: shown as written.
        const fields = Object.entries(step.input).map(([k, v]) => `${k} = ${typeof v === "string" ? v : JSON.stringify(v)}`);
        facts.push(t("processes.fact.input", { fields: fields.join(t("common.listSeparator")) }));
      }
      return facts;
    }
    case "wait":
      return [step.duration !== undefined ? t("processes.fact.waitsFor", { duration: duration(step.duration) }) : t("processes.fact.waitsUntil", { reference: step.until ?? "" })];
  }
}

export function describeProcess(definition: ProcessDefinition, t: Translator, speech: Formatting): DescribedStep[] {
  return definition.steps.map((step, index) => {
    const declared = new Set(["on_success", "on_failure", "on_timeout"].filter((key) => (step as Record<string, unknown>)[key] !== undefined));
    const branch = typeof step.on_success === "object" ? step.on_success : null;
    const exits = edgesOf(definition, index).map((edge): StepExit => {
      const key = `on_${edge.kind}`;
      const caseMatch = /\.cases\.(.+)$/.exec(edge.at);
      const branched = branch !== null && edge.kind === "success";
      const condition = branched
        ? caseMatch
          ? t("processes.fact.conditionIs", { field: branch.field, value: caseMatch[1]! })
          : t("processes.fact.conditionOther", { field: branch.field })
        : null;
      const implicit = !declared.has(key) || (branched && edge.at.endsWith(".default") && branch.default === undefined);
      return { when: step.kind === "wait" && edge.kind === "success" ? "woken" : edge.kind, condition, to: edge.to, implicit };
    });
    return { index, name: step.name, title: stepTitle(step), kind: step.kind, facts: factsOf(step, t, speech), exits };
  });
}
