// Process definitions in words, for the admin pages: each step with its
// settings and every way out of it, defaults included (from edgesOf, the
// same edges the validation walks), so what an admin reads is what runs.
import { edgesOf, stepTitle, type ProcessDefinition, type ProcessStep } from "@/lib/domain/process-definition";

export interface StepExit {
  /** success, failure or timeout */
  when: string;
  /** A branch case: the result field's value that chooses this way. */
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

export function durationWords(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function factsOf(step: ProcessStep): string[] {
  switch (step.kind) {
    case "task": {
      const facts = [`task ${step.task_type}`, step.timeout ? `timeout ${durationWords(step.timeout)}` : "timeout: the org's setting"];
      if (step.heartbeat_timeout) facts.push(`heartbeat ${durationWords(step.heartbeat_timeout)}`);
      if (step.retry) {
        const r = step.retry;
        const cap = r.max_interval ?? r.initial_interval * 100;
        facts.push(`up to ${r.max_attempts} attempts, ${r.initial_interval} s × ${r.backoff_coefficient}ⁿ (at most ${cap} s) apart`);
        if (r.non_retryable.length > 0) facts.push(`not retried: ${r.non_retryable.join(", ")}`);
      } else {
        facts.push("runs once (no retry)");
      }
      if (step.input && Object.keys(step.input).length > 0) facts.push(`input: ${Object.entries(step.input).map(([k, v]) => `${k} = ${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ")}`);
      return facts;
    }
    case "wait":
      return [step.duration !== undefined ? `waits ${durationWords(step.duration)}` : `waits until ${step.until}`];
  }
}

export function describeProcess(definition: ProcessDefinition): DescribedStep[] {
  return definition.steps.map((step, index) => {
    const declared = new Set(["on_success", "on_failure", "on_timeout"].filter((key) => (step as Record<string, unknown>)[key] !== undefined));
    const branch = typeof step.on_success === "object" ? step.on_success : null;
    const exits = edgesOf(definition, index).map((edge): StepExit => {
      const key = `on_${edge.kind}`;
      const caseMatch = /\.cases\.(.+)$/.exec(edge.at);
      const branched = branch !== null && edge.kind === "success";
      const condition = branched ? (caseMatch ? `${branch.field} = ${caseMatch[1]}` : `any other ${branch.field}`) : null;
      const implicit = !declared.has(key) || (branched && edge.at.endsWith(".default") && branch.default === undefined);
      return { when: step.kind === "wait" && edge.kind === "success" ? "woken" : edge.kind, condition, to: edge.to, implicit };
    });
    return { index, name: step.name, title: stepTitle(step), kind: step.kind, facts: factsOf(step), exits };
  });
}
