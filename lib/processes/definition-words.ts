// A process definition's errors in the admin's language: where (the step by
// its position and name) and what is wrong, from the facts the check attaches
// to each error (lib/domain/process-definition.ts), never the API's English
// message or a code. Runs in the editor (client) on its own check and on the
// server's answer alike.
import type { DefinitionError, DefinitionFacts, StepKind } from "@/lib/domain/process-definition";
import { formatList } from "@/lib/i18n/format";
import type { Speech, Translator } from "@/lib/i18n/messages";
import { issueWords } from "@/lib/i18n/validation-words";

type Formatting = Pick<Speech, "formatLocale" | "timeZone">;

/** What the editor shows for one problem: the step it is in, the field inside it, and the sentence. */
export interface ProblemWords {
  where: string;
  /** The rest of the path, as the admin wrote it in the JSON ("on_success.cases.HIGH"); empty for the step itself. */
  field: string;
  problem: string;
}

/** The shape of a problem as it arrives: the editor's own check, or the `details` of the server's 400 (facts may be missing there). */
export type ProblemFacts = Pick<DefinitionError, "path"> & { facts?: DefinitionFacts | undefined };

const referenceForms = ["$.context.…", "$.steps.….result.…"];

const stepKinds: StepKind[] = ["task", "wait"];

function sentence(facts: DefinitionFacts | undefined, path: string, t: Translator, speech: Formatting): string {
  if (!facts) return t("validation.invalid");
  switch (facts.rule) {
    case "schema":
      if (facts.named) return t(`processes.error.${facts.named}`);
      // A kind no step has: the discriminated union says "invalid input" only.
      if (path.endsWith(".kind") && (facts.issue.code === "invalid_union" || facts.issue.code === "invalid_value")) return t("processes.error.kind", { kinds: formatList(stepKinds, speech, "disjunction") });
      return issueWords(facts.issue, t);
    case "duplicateStep":
      return t("processes.error.duplicateStep", { step: facts.step });
    case "unknownStep":
      return t("processes.error.unknownStep", { target: facts.target });
    case "badTarget":
      return t("processes.error.badTarget", { target: facts.target, edge: facts.edge, allowed: formatList(facts.allowed, speech, "disjunction") });
    case "unreachable":
      return t("processes.error.unreachable", { step: facts.step });
    case "cycle":
      return t("processes.error.cycle", { steps: facts.steps.join(" → ") });
    case "referenceForm":
      return t("processes.error.referenceForm", { reference: facts.reference, forms: formatList(referenceForms, speech, "disjunction") });
    case "referenceNoStep":
      return t("processes.error.referenceNoStep", { reference: facts.reference, step: facts.step });
    case "referenceNoResult":
      return t("processes.error.referenceNoResult", { reference: facts.reference, step: facts.step });
    case "referenceMaybeMissing":
      return t("processes.error.referenceMaybeMissing", { reference: facts.reference, step: facts.step, before: facts.before });
  }
}

/**
 * One problem in words. `stepNames` are the names in the document as typed
 * (by position), so "steps.2.input.s" reads "Step 3 (review) · input.s".
 */
export function problemWords(problem: ProblemFacts, stepNames: readonly (string | undefined)[], t: Translator, speech: Formatting): ProblemWords {
  const parts = problem.path === "(root)" || problem.path === "" ? [] : problem.path.split(".");
  let where = t("processes.whereDefinition");
  let field = parts.join(".");
  if (parts[0] === "steps" && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
    const index = Number(parts[1]);
    const name = stepNames[index];
    where = name ? t("processes.whereStep", { position: index + 1, name }) : t("processes.whereStepUnnamed", { position: index + 1 });
    field = parts.slice(2).join(".");
  }
  return { where, field, problem: sentence(problem.facts, problem.path, t, speech) };
}

/**
 * JSON.parse's complaint as a place in the text: V8 says "at position 42" or
 * "(line 3 column 5)"; the admin reads the line and column in their language.
 */
export function jsonProblem(text: string, error: unknown, t: Translator): string {
  const message = error instanceof Error ? error.message : "";
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return t("processes.jsonInvalidAt", { line: Number(lineColumn[1]), column: Number(lineColumn[2]) });
  const position = /position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const lines = before.split("\n");
    return t("processes.jsonInvalidAt", { line: lines.length, column: lines[lines.length - 1]!.length + 1 });
  }
  return t("processes.jsonInvalid");
}
