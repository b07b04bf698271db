// Process definitions in words, in the admin's language: the facts of each
// step (ICU plurals, numbers and durations through Intl per locale), every
// way out with its condition, and the definition's errors without the
// validator's English.
import { describe, expect, it } from "vitest";
import { checkProcessDefinition } from "@/lib/domain/process-definition";
import type { AppLocale } from "@/lib/i18n/locales";
import { speechFor, translator } from "@/lib/i18n/messages";
import { jsonProblem, problemWords } from "@/lib/processes/definition-words";
import { describeProcess, stepDuration } from "@/lib/processes/process-describe";

const speech = (locale: AppLocale) => speechFor([locale]);
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, " ");

function described(input: unknown, locale: AppLocale = "en-US") {
  const check = checkProcessDefinition(input);
  if (!check.ok) throw new Error(JSON.stringify(check.errors));
  return describeProcess(check.definition, translator(speech(locale)), speech(locale));
}

const fraudTask = {
  name: "fraud",
  kind: "task",
  task_type: "FRAUD_VERIFICATION",
  timeout: 600,
  retry: { max_attempts: 3, initial_interval: 10, backoff_coefficient: 1.5, max_interval: 300, non_retryable: ["CARD_BLOCKED", "STOLEN"] },
  on_success: { field: "risk", cases: { LOW: "credit" } },
  on_failure: "escalate",
};

describe("process definitions in words", () => {
  it("lists every way out of a branching task, conditions only on the success ways, defaults marked", () => {
    const [fraud] = described({
      steps: [
        { name: "fraud", kind: "task", task_type: "FRAUD_VERIFICATION", on_success: { field: "risk", cases: { LOW: "credit" } }, on_failure: "escalate" },
        { name: "credit", kind: "task", task_type: "CREDIT_CHECK" },
      ],
    });
    expect(fraud!.title).toBe("Fraud verification");
    expect(fraud!.exits).toEqual([
      { when: "success", condition: "if risk is LOW", to: "credit", implicit: false },
      { when: "success", condition: "if risk is anything else", to: "end", implicit: true },
      { when: "failure", condition: null, to: "escalate", implicit: false },
      { when: "timeout", condition: null, to: "escalate", implicit: true },
    ]);
    expect(fraud!.facts).toEqual(["task type FRAUD_VERIFICATION", "timeout: the org’s setting for this task type", "runs once (no retry)"]);
  });

  it("describes waits and their wake-up", () => {
    const [, wait] = described({ steps: [{ name: "a", kind: "task", task_type: "A" }, { name: "cool_off", kind: "wait", duration: 7200 }] });
    expect(wait).toMatchObject({ title: "Cool off", facts: ["waits 2 hours"], exits: [{ when: "woken", to: "end", implicit: true }] });
    const [, until] = described({ steps: [{ name: "a", kind: "task", task_type: "A" }, { name: "later", kind: "wait", until: "$.context.callback_at" }] }, "de");
    expect(until!.facts).toEqual(["wartet bis zu der Zeit in $.context.callback_at"]);
  });

  it.each<[AppLocale, string[]]>([
    ["en-US", ["timeout 10 minutes per attempt", "up to 3 attempts: the first retry after 10 seconds, each wait 1.5 times the one before, at most 5 minutes", "not retried after: CARD_BLOCKED and STOLEN"]],
    ["de", ["Zeitlimit 10 Minuten pro Versuch", "bis zu 3 Versuche: die erste Wiederholung nach 10 Sekunden, jede Pause 1,5-mal so lang wie die vorige, höchstens 5 Minuten", "nicht wiederholt nach: CARD_BLOCKED und STOLEN"]],
    ["fr", ["délai de 10 minutes par tentative", "jusqu’à 3 tentatives : la première nouvelle tentative après 10 secondes, chaque attente 1,5 fois plus longue que la précédente, 5 minutes au plus", "pas de nouvelle tentative après : CARD_BLOCKED et STOLEN"]],
    ["es", ["tiempo límite de 10 minutos por intento", "hasta 3 intentos: el primer reintento tras 10 segundos, cada espera 1,5 veces la anterior, 5 minutos como máximo", "sin reintento tras: CARD_BLOCKED y STOLEN"]],
    ["pt-BR", ["tempo limite de 10 minutos por tentativa", "até 3 tentativas: a primeira nova tentativa após 10 segundos, cada espera 1,5 vezes a anterior, no máximo 5 minutos", "sem nova tentativa após: CARD_BLOCKED e STOLEN"]],
    ["ja", ["1 回あたりのタイムアウト 10 分", "最大 3 回試行: 最初の再試行は 10 秒 後、待ち時間は毎回前回の 1.5 倍、最長 5 分", "次の理由では再試行しない: CARD_BLOCKED、STOLEN"]],
  ])("says a task's timeout and retry policy in %s, numbers and durations in its format", (locale, facts) => {
    const [fraud] = described({ steps: [fraudTask, { name: "credit", kind: "task", task_type: "CREDIT_CHECK" }] }, locale);
    expect(fraud!.facts.map(plain)).toEqual(expect.arrayContaining(facts));
  });

  it("uses the plural forms of the language: one attempt, a fixed interval", () => {
    const fixed = { ...fraudTask, retry: { max_attempts: 1, initial_interval: 90, backoff_coefficient: 1 }, on_success: "end" };
    expect(described({ steps: [fixed] })[0]!.facts).toContain("up to 1 attempt, 1 minute and 30 seconds apart");
    expect(described({ steps: [{ ...fixed, retry: { max_attempts: 4, initial_interval: 30, backoff_coefficient: 1 } }] }, "fr")[0]!.facts.map(plain)).toContain("jusqu’à 4 tentatives, espacées de 30 secondes");
  });

  it.each<[number, AppLocale, string]>([
    [86_400, "en-US", "1 day"],
    [172_800, "de", "2 Tage"],
    [7200, "en-US", "2 hours"],
    [600, "es", "10 minutos"],
    [45, "pt-BR", "45 segundos"],
    [90, "en-US", "1 minute and 30 seconds"],
    [3 * 86_400, "ja", "3 日"],
  ])("%i seconds read as words in %s", (seconds, locale, words) => {
    expect(plain(stepDuration(seconds, speech(locale)))).toBe(words);
  });
});

describe("definition errors in words", () => {
  const errorsOf = (input: unknown) => {
    const check = checkProcessDefinition(input);
    return check.ok ? [] : check.errors;
  };
  const names = ["fraud", "credit", "orphan"];
  const inWords = (input: unknown, locale: AppLocale) => errorsOf(input).map((e) => problemWords(e, names, translator(speech(locale)), speech(locale)));

  it("names the step and says what is wrong, graph errors and schema errors alike, in the admin's language", () => {
    const definition = {
      steps: [
        { name: "fraud", kind: "task", task_type: "FRAUD_VERIFICATION", input: { s: "$.steps.credit.result.score" }, on_success: { field: "risk", cases: { LOW: "credit", HIGH: "nowhere" } } },
        { name: "credit", kind: "task", task_type: "CREDIT_CHECK", on_success: "end" },
        { name: "orphan", kind: "wait", duration: 60 },
      ],
    };
    expect(inWords(definition, "en-US")).toEqual([
      { where: "Step 1 (fraud)", field: "on_success.cases.HIGH", problem: "no step is named “nowhere”" },
      { where: "Step 3 (orphan)", field: "", problem: "no way from the first step leads to “orphan”, so it never runs" },
      { where: "Step 1 (fraud)", field: "input.s", problem: "“$.steps.credit.result.score”: “credit” does not always succeed before “fraud” starts, so its result may be missing" },
    ]);
    expect(inWords(definition, "de").map((p) => p.problem)[0]).toBe("kein Schritt heißt „nowhere“");
    expect(inWords({ steps: [{ name: "fraud", kind: "task", task_type: "X", timeout: 2, on_sucess: "end" }] }, "en-US")).toEqual([
      { where: "Step 1 (fraud)", field: "timeout", problem: "must be at least 5" },
      { where: "Step 1 (fraud)", field: "", problem: "unknown fields: on_sucess" },
    ]);
  });

  it("says the schema's own rules as sentences of the catalogue, never the validator's English", () => {
    const cases: unknown[] = [
      { steps: [{ name: "End", kind: "task", task_type: "A" }] },
      { steps: [{ name: "end", kind: "task", task_type: "A" }] },
      { steps: [{ name: "w", kind: "wait" }] },
      { steps: [{ name: "a", kind: "task", task_type: "A B" }] },
      { steps: [{ name: "a", kind: "task", task_type: "A", on_success: { field: "a b", cases: {} } }] },
      { steps: [{ name: "a", kind: "task", task_type: "A", on_success: "escalate" }] },
      { steps: [{ name: "a", kind: "task", task_type: "A", on_failure: "a" }] },
      { steps: [{ name: "a", kind: "task", task_type: "A" }, { name: "a", kind: "task", task_type: "A" }] },
      { steps: [{ name: "w", kind: "wait", duration: 5 }, { name: "a", kind: "task", task_type: "A", input: { x: "$.steps.w.result.x", y: "$.nope" } }] },
      { steps: "none" },
      { steps: [{ name: "a", kind: "lambda" }] },
    ];
    const english = cases.flatMap(errorsOf).map((e) => e.message);
    for (const locale of ["en-US", "de", "ja"] as const) {
      const said = cases.flatMap((c) => inWords(c, locale)).map((p) => p.problem);
      expect(said).toHaveLength(english.length);
      for (const [i, sentence] of said.entries()) {
        expect(sentence, locale).not.toMatch(/expected|Invalid|Too (small|big)|is not valid|ist ungültig/);
        if (locale !== "en-US") expect(sentence, locale).not.toBe(english[i]);
      }
    }
    expect(inWords(cases[5], "en-US")[0]!.problem).toBe("“escalate” cannot come after a success; name a step or end");
    expect(inWords(cases[10], "en-US")[0]!.problem).toBe("a step’s kind is task or wait");
    expect(inWords(cases[9], "de")[0]!.problem).toBe("muss eine Liste sein");
    expect(inWords(cases[6], "fr")[0]!.problem).toBe("les étapes a → a peuvent se répéter sans fin, sans étape d’attente entre elles");
  });

  it("keeps working when an answer's details carry no facts", () => {
    expect(problemWords({ path: "name" }, [], translator(speech("es")), speech("es"))).toEqual({ where: "La definición", field: "name", problem: "no es válido" });
  });

  it("says where the JSON breaks as a line and column", () => {
    const text = '{\n  "steps": [\n    { "name": "a" \n  ]\n}';
    let error: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      error = e;
    }
    expect(jsonProblem(text, error, translator(speech("en-US")))).toMatch(/^This is not valid JSON near line 4, column 3: /);
    expect(jsonProblem(text, new Error("?"), translator(speech("de")))).toBe("Das ist kein gültiges JSON: Prüfen Sie, ob ein Komma, ein Anführungszeichen oder eine Klammer fehlt.");
  });
});
