// A process definition: an org's named, ordered list of steps that Longrun
// runs itself after the call that started it. Pure: the schema of the JSON an
// admin writes (durations in seconds, like the task API's `timeout`) and the
// checks the schema alone cannot make — every error listed at once, so an
// admin fixes a definition in one round.
//
// Adding a step kind: a member of `stepSchema`, its edges in `edgesOf`, its
// references in `referencesOf`, and its case in lib/domain/process-steps.ts.
import { z } from "zod";

/** Targets with a meaning of their own; no step may take these names. */
export const endTarget = "end";
export const escalateTarget = "escalate";
const reservedNames = new Set([endTarget, escalateTarget]);

export const stepNamePattern = /^[a-z][a-z0-9_-]{0,63}$/;
export const processNamePattern = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/**
 * The schema's own rules, one message each; a schema error carries the rule's
 * key in its facts so the admin pages say it in the reader's language.
 */
const schemaRules = {
  stepName: "a step name is lower-case letters, digits, _ and -, starting with a letter (at most 64)",
  reservedName: `"${endTarget}" and "${escalateTarget}" are targets, not step names`,
  branchField: "a field is a dotted path into the result, e.g. risk or score.band",
  taskType: "letters, digits and _ . : - only",
  waitEitherOr: "a wait has either a duration or an until, not both and not neither",
} as const;
export type SchemaRule = keyof typeof schemaRules;

const stepName = z
  .string()
  .regex(stepNamePattern, schemaRules.stepName)
  .refine((name) => !reservedNames.has(name), { message: schemaRules.reservedName });
/** A step name, or one of the targets allowed in that place. */
const target = z.string().min(1).max(64);

const day = 24 * 3600;
const taskSeconds = z.int().min(5).max(7 * day);
const intervalSeconds = z.number().positive().max(day);

/** Temporal's retry policy, in seconds. Without one a step runs once. */
export const retryPolicySchema = z.strictObject({
  max_attempts: z.int().min(1).max(100).describe("Attempts in all, the first included."),
  initial_interval: intervalSeconds.default(1).describe("Seconds before the first retry."),
  backoff_coefficient: z.number().min(1).max(100).default(2),
  max_interval: intervalSeconds.optional().describe("Cap on the wait between attempts; 100 × initial_interval when absent (Temporal's default)."),
  non_retryable: z
    .array(z.string().trim().min(1).max(200))
    .max(50)
    .default([])
    .describe("Failure reasons that end the retries at once (compared without regard to case); TIMEOUT makes a timeout go straight to on_timeout."),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/** on_success chosen by a field of the step's result (a dotted path into result_data). */
export const branchSchema = z.strictObject({
  field: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, schemaRules.branchField),
  cases: z.record(z.string().min(1).max(200), target),
  default: target.optional(),
});
export type Branch = z.infer<typeof branchSchema>;

const successNext = z.union([target, branchSchema]);

/** An input value: a literal, or a string reference `$.context.…` / `$.steps.<name>.result.…`, at any depth. */
const inputSchema = z.record(z.string().min(1).max(100), z.unknown());

const taskStepSchema = z.strictObject({
  name: stepName,
  title: z.string().trim().min(1).max(100).optional().describe("What people see, e.g. Credit check; taken from the task type when absent."),
  kind: z.literal("task"),
  task_type: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, schemaRules.taskType),
  input: inputSchema.optional(),
  timeout: taskSeconds.optional().describe("Seconds per attempt; the org's setting for the task type when absent."),
  heartbeat_timeout: taskSeconds.optional(),
  retry: retryPolicySchema.optional(),
  on_success: successNext.optional().describe("The next step, a branch on a result field, or end; the next step in the list (end after the last) when absent."),
  on_failure: target.optional().describe("A step, escalate, or end (the default: the process fails)."),
  on_timeout: target.optional().describe("A step, escalate (the default: Longrun's timeout escalation), or end."),
});

const waitStepSchema = z
  .strictObject({
    name: stepName,
    title: z.string().trim().min(1).max(100).optional(),
    kind: z.literal("wait"),
    duration: z.int().min(1).max(365 * day).optional().describe("Seconds to sleep."),
    until: z.string().min(3).max(200).optional().describe("A reference to an ISO-8601 time, e.g. $.context.callback_at."),
    on_success: target.optional().describe("The step after waking, or end; the next step in the list when absent."),
    on_failure: target.optional().describe("Where to go when `until` names no time: a step, escalate, or end (the default)."),
  })
  .refine((step) => (step.duration === undefined) !== (step.until === undefined), { message: schemaRules.waitEitherOr });

export const stepSchema = z.discriminatedUnion("kind", [taskStepSchema, waitStepSchema]);
export type ProcessStep = z.infer<typeof stepSchema>;
export type TaskStep = z.infer<typeof taskStepSchema>;
export type WaitStep = z.infer<typeof waitStepSchema>;
export type StepKind = ProcessStep["kind"];

export const processDefinitionSchema = z.strictObject({
  description: z.string().trim().max(1000).optional(),
  steps: z.array(stepSchema).min(1).max(50),
});
export type ProcessDefinition = z.infer<typeof processDefinitionSchema>;

export type DefinitionErrorCode =
  | "INVALID"
  | "DUPLICATE_STEP"
  | "UNKNOWN_STEP"
  | "BAD_TARGET"
  | "UNREACHABLE_STEP"
  | "CYCLE_WITHOUT_WAIT"
  | "BAD_REFERENCE";

/** What a schema issue says, as zod gives it (code and bounds), for a sentence in the reader's language. */
export interface SchemaIssueFacts {
  code: string;
  origin?: string | undefined;
  format?: string | undefined;
  expected?: string | undefined;
  minimum?: number | undefined;
  maximum?: number | undefined;
  keys?: string[] | undefined;
}

/**
 * An error's message as values: `message` is the API's English; these let a
 * page say the same in the admin's language (lib/processes/definition-words.ts).
 */
export type DefinitionFacts =
  | { rule: "schema"; issue: SchemaIssueFacts; named?: SchemaRule | undefined }
  | { rule: "duplicateStep"; step: string }
  | { rule: "unknownStep"; target: string }
  | { rule: "badTarget"; target: string; edge: EdgeKind; allowed: string[] }
  | { rule: "unreachable"; step: string }
  | { rule: "cycle"; steps: string[] }
  | { rule: "referenceForm"; reference: string }
  | { rule: "referenceNoStep"; reference: string; step: string }
  | { rule: "referenceNoResult"; reference: string; step: string; kind: StepKind }
  | { rule: "referenceMaybeMissing"; reference: string; step: string; before: string };

export interface DefinitionError {
  /** Where, e.g. steps.1.on_success (the same dotted form as request validation errors). */
  path: string;
  code: DefinitionErrorCode;
  message: string;
  facts: DefinitionFacts;
}

/**
 * What the graph checks read of a step. A checked definition has this shape;
 * so does the skeleton read from a definition that failed the schema, so that
 * its graph errors are listed in the same round as its schema errors.
 */
export interface GraphStep {
  name: string;
  kind: StepKind;
  input?: Record<string, unknown> | undefined;
  until?: string | undefined;
  on_success?: string | { field: string; cases: Record<string, string>; default?: string | undefined } | undefined;
  on_failure?: string | undefined;
  on_timeout?: string | undefined;
}
export interface GraphDefinition {
  steps: readonly GraphStep[];
}

export type DefinitionCheck = { ok: true; definition: ProcessDefinition } | { ok: false; errors: DefinitionError[] };

// ---------------------------------------------------------------- references

export type Reference =
  | { source: "context"; path: string[] }
  | { source: "step"; step: string; path: string[] };

const segment = /^[A-Za-z0-9_-]+$/;

/** Strings that start with "$." are references; anything else is a literal. */
export function isReference(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("$.");
}

/** `$.context.a.b` or `$.steps.<name>.result.a.b`; null when the string is not one of them. */
export function parseReference(text: string): Reference | null {
  const parts = text.split(".");
  if (parts[0] !== "$" || !parts.slice(1).every((p) => segment.test(p))) return null;
  if (parts[1] === "context") return { source: "context", path: parts.slice(2) };
  if (parts[1] === "steps" && parts.length >= 4 && parts[3] === "result") {
    return { source: "step", step: parts[2]!, path: parts.slice(4) };
  }
  return null;
}

/** Every reference string in an input value, with its dotted location below `at`. */
function collectReferences(value: unknown, at: string, out: Array<{ at: string; text: string }>): void {
  if (isReference(value)) {
    out.push({ at, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => collectReferences(item, `${at}.${i}`, out));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) collectReferences(item, `${at}.${key}`, out);
  }
}

function referencesOf(step: GraphStep, index: number): Array<{ at: string; text: string }> {
  const out: Array<{ at: string; text: string }> = [];
  switch (step.kind) {
    case "task":
      if (step.input) collectReferences(step.input, `steps.${index}.input`, out);
      break;
    case "wait":
      if (step.until !== undefined) out.push({ at: `steps.${index}.until`, text: step.until });
      break;
  }
  return out;
}

// --------------------------------------------------------------------- graph

export type EdgeKind = "success" | "failure" | "timeout";
export interface Edge {
  /** Where the edge is declared, for error paths. */
  at: string;
  kind: EdgeKind;
  /** A step name, or end / escalate. */
  to: string;
}

/** The step that follows `index` in the list, or end after the last. */
function following(definition: GraphDefinition, index: number): string {
  return definition.steps[index + 1]?.name ?? endTarget;
}

/** Every way out of a step, defaults included (they are edges too). */
export function edgesOf(definition: GraphDefinition, index: number): Edge[] {
  const step = definition.steps[index]!;
  const at = `steps.${index}`;
  const edges: Edge[] = [];
  const success = step.on_success ?? following(definition, index);
  if (typeof success === "string") {
    edges.push({ at: `${at}.on_success`, kind: "success", to: success });
  } else {
    for (const [value, to] of Object.entries(success.cases)) edges.push({ at: `${at}.on_success.cases.${value}`, kind: "success", to });
    // Without a default, a value no case names ends the process as failed.
    edges.push({ at: `${at}.on_success.default`, kind: "success", to: success.default ?? endTarget });
  }
  switch (step.kind) {
    case "task":
      edges.push({ at: `${at}.on_failure`, kind: "failure", to: step.on_failure ?? endTarget });
      edges.push({ at: `${at}.on_timeout`, kind: "timeout", to: step.on_timeout ?? escalateTarget });
      break;
    case "wait":
      // Only a time read from a reference can be missing; a duration always wakes.
      if (step.until !== undefined) edges.push({ at: `${at}.on_failure`, kind: "failure", to: step.on_failure ?? endTarget });
      break;
  }
  return edges;
}

/** Which targets each edge kind may name besides a step. */
const allowedTargets: Record<EdgeKind, readonly string[]> = {
  success: [endTarget],
  failure: [endTarget, escalateTarget],
  timeout: [endTarget, escalateTarget],
};

/**
 * For each step, the task steps whose result exists whenever it starts: those
 * left by success on every path from the first step (a data-flow
 * intersection, like available expressions). A failure or timeout leaves no result.
 */
function availableResults(definition: GraphDefinition, edges: Array<Array<{ to: number; kind: EdgeKind }>>): Array<Set<number>> {
  const n = definition.steps.length;
  const all = Array.from({ length: n }, (_, i) => i);
  const incoming: Array<Array<{ from: number; kind: EdgeKind }>> = all.map(() => []);
  edges.forEach((out, from) => out.forEach(({ to, kind }) => incoming[to]!.push({ from, kind })));
  const avail: Array<Set<number>> = all.map((i) => (i === 0 ? new Set<number>() : new Set(all)));
  const leaving = (from: number, kind: EdgeKind): Set<number> =>
    kind === "success" && definition.steps[from]!.kind === "task" ? new Set([...avail[from]!, from]) : avail[from]!;
  // Iterate to the fixpoint; definitions have at most 50 steps.
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 1; i < n; i++) {
      const ins = incoming[i]!.map(({ from, kind }) => leaving(from, kind));
      const meet = ins.length === 0 ? new Set<number>() : new Set([...ins[0]!].filter((d) => ins.every((set) => set.has(d))));
      if (meet.size !== avail[i]!.size) {
        avail[i] = meet;
        changed = true;
      }
    }
  }
  return avail;
}

/** A cycle made only of task steps (every step on it may run again with no time passing). */
function taskOnlyCycle(definition: GraphDefinition, successors: number[][]): number[] | null {
  const isTask = (i: number) => definition.steps[i]!.kind === "task";
  const state = new Array<0 | 1 | 2>(successors.length).fill(0);
  const stack: number[] = [];
  const visit = (i: number): number[] | null => {
    state[i] = 1;
    stack.push(i);
    for (const j of successors[i]!) {
      if (!isTask(j)) continue;
      if (state[j] === 1) return stack.slice(stack.indexOf(j));
      if (state[j] === 0) {
        const found = visit(j);
        if (found) return found;
      }
    }
    stack.pop();
    state[i] = 2;
    return null;
  };
  for (let i = 0; i < successors.length; i++) {
    if (state[i] === 0 && isTask(i)) {
      const found = visit(i);
      if (found) return found;
    }
  }
  return null;
}

// -------------------------------------------------------------------- checks

const bound = (value: unknown): number | undefined => (typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : undefined);

function schemaErrors(error: z.ZodError): DefinitionError[] {
  return error.issues.map((issue) => {
    const own = issue as unknown as Record<string, unknown>;
    const named = (Object.keys(schemaRules) as SchemaRule[]).find((rule) => schemaRules[rule] === issue.message);
    const facts: SchemaIssueFacts = {
      code: issue.code,
      origin: typeof own.origin === "string" ? own.origin : undefined,
      format: typeof own.format === "string" ? own.format : undefined,
      expected: typeof own.expected === "string" ? own.expected : undefined,
      minimum: bound(own.minimum),
      maximum: bound(own.maximum),
      keys: Array.isArray(own.keys) ? own.keys.map(String) : undefined,
    };
    return { path: issue.path.join(".") || "(root)", code: "INVALID" as const, message: issue.message, facts: { rule: "schema" as const, issue: facts, named } };
  });
}

/** The checks past the schema: names, targets, reachability, cycles, references. */
export function definitionErrors(definition: GraphDefinition): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const indexOf = new Map<string, number>();
  definition.steps.forEach((step, i) => {
    // A reserved name is the schema's error; here end and escalate stay targets.
    if (reservedNames.has(step.name)) return;
    if (indexOf.has(step.name)) {
      errors.push({ path: `steps.${i}.name`, code: "DUPLICATE_STEP", message: `step name "${step.name}" is used twice`, facts: { rule: "duplicateStep", step: step.name } });
    } else {
      indexOf.set(step.name, i);
    }
  });
  // Names are how steps point at each other: with one used twice, every graph finding would mislead.
  if (errors.length > 0) return errors;

  const successors: number[][] = definition.steps.map(() => []);
  const stepEdges: Array<Array<{ to: number; kind: EdgeKind }>> = definition.steps.map(() => []);
  definition.steps.forEach((_, i) => {
    for (const edge of edgesOf(definition, i)) {
      const j = indexOf.get(edge.to);
      if (j !== undefined) {
        successors[i]!.push(j);
        stepEdges[i]!.push({ to: j, kind: edge.kind });
      } else if (!allowedTargets[edge.kind].includes(edge.to)) {
        const reserved = reservedNames.has(edge.to);
        errors.push({
          path: edge.at,
          code: reserved ? "BAD_TARGET" : "UNKNOWN_STEP",
          message: reserved
            ? `${edge.to} is not a target on ${edge.kind}; use a step or ${allowedTargets[edge.kind].join(" or ")}`
            : `no step is named "${edge.to}"`,
          facts: reserved ? { rule: "badTarget", target: edge.to, edge: edge.kind, allowed: [...allowedTargets[edge.kind]] } : { rule: "unknownStep", target: edge.to },
        });
      }
    }
  });

  const reachable = new Set<number>([0]);
  for (const queue = [0]; queue.length > 0; ) {
    for (const j of successors[queue.shift()!]!) {
      if (!reachable.has(j)) {
        reachable.add(j);
        queue.push(j);
      }
    }
  }
  definition.steps.forEach((step, i) => {
    if (!reachable.has(i)) {
      errors.push({ path: `steps.${i}`, code: "UNREACHABLE_STEP", message: `no path from the first step leads to "${step.name}"`, facts: { rule: "unreachable", step: step.name } });
    }
  });

  const cycle = taskOnlyCycle(definition, successors);
  if (cycle) {
    const names = [...cycle, cycle[0]!].map((i) => definition.steps[i]!.name);
    errors.push({ path: `steps.${cycle[0]}`, code: "CYCLE_WITHOUT_WAIT", message: `the steps ${names.join(" → ")} can loop with no wait step in between`, facts: { rule: "cycle", steps: names } });
  }

  const available = availableResults(definition, stepEdges);
  definition.steps.forEach((step, i) => {
    for (const ref of referencesOf(step, i)) {
      const parsed = parseReference(ref.text);
      if (!parsed) {
        errors.push({ path: ref.at, code: "BAD_REFERENCE", message: `"${ref.text}" is neither $.context.<field> nor $.steps.<step>.result.<field>`, facts: { rule: "referenceForm", reference: ref.text } });
        continue;
      }
      if (parsed.source === "context") continue;
      const j = indexOf.get(parsed.step);
      if (j === undefined) {
        errors.push({ path: ref.at, code: "BAD_REFERENCE", message: `"${ref.text}" names no step "${parsed.step}"`, facts: { rule: "referenceNoStep", reference: ref.text, step: parsed.step } });
      } else if (definition.steps[j]!.kind !== "task") {
        errors.push({ path: ref.at, code: "BAD_REFERENCE", message: `"${ref.text}": ${parsed.step} is a ${definition.steps[j]!.kind} step and has no result`,
          facts: { rule: "referenceNoResult", reference: ref.text, step: parsed.step, kind: definition.steps[j]!.kind },
        });
      } else if (reachable.has(i) && !available[i]!.has(j)) {
        errors.push({
          path: ref.at,
          code: "BAD_REFERENCE",
          message: `"${ref.text}": ${parsed.step} does not always succeed before ${step.name} starts, so its result may not exist`,
          facts: { rule: "referenceMaybeMissing", reference: ref.text, step: parsed.step, before: step.name },
        });
      }
    }
  });
  return errors;
}

const loose = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
/** As much of each step as the graph checks need, whatever else is wrong with it. */
const skeletonSchema = z.object({
  steps: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(["task", "wait"]).catch("task"),
      input: loose(z.record(z.string(), z.unknown())),
      until: loose(z.string()),
      on_success: loose(z.union([z.string(), z.object({ field: z.string(), cases: z.record(z.string(), z.string()), default: z.string().optional() })])),
      on_failure: loose(z.string()),
      on_timeout: loose(z.string()),
    }),
  ).min(1),
});

/** Parses and checks a definition; every problem is listed, none is thrown. */
export function checkProcessDefinition(input: unknown): DefinitionCheck {
  const parsed = processDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const errors = schemaErrors(parsed.error);
    // Steps that at least have names: their graph errors belong in the same list.
    const skeleton = skeletonSchema.safeParse(input);
    if (skeleton.success) errors.push(...definitionErrors(skeleton.data));
    return { ok: false, errors };
  }
  const errors = definitionErrors(parsed.data);
  return errors.length === 0 ? { ok: true, definition: parsed.data } : { ok: false, errors };
}

// ------------------------------------------------------------------ for views

/** What people read for a step: its title, or its task type in words ("CREDIT_CHECK" → "Credit check"). */
export function stepTitle(step: ProcessStep): string {
  if (step.title) return step.title;
  const words = (step.kind === "task" ? step.task_type : step.name).replace(/[_.:-]+/g, " ").trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function stepIndexOf(definition: ProcessDefinition, name: string): number {
  return definition.steps.findIndex((s) => s.name === name);
}
