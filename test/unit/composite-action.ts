// Runs a composite GitHub Action's steps as a runner does, for what can run without one: `run` steps in bash, as
// `shell: bash` does (`bash --noprofile --norc -eo pipefail`), with GITHUB_OUTPUT read back into step outputs; `uses`
// steps are recorded with their evaluated `with`, not run. A step that fails stops the rest, as the runner's implicit
// `success()` does. Expressions are limited to the forms action.yml uses; any other one fails the test instead of being
// guessed at.

import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

interface StepDefinition {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
}

export interface ActionDefinition {
  inputs: Record<string, { description?: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: StepDefinition[] };
  [key: string]: unknown;
}

export interface StepResult {
  name: string;
  id?: string;
  /** `run` steps: how the script ended and what it printed; `uses` steps: the action and its evaluated inputs. */
  exitCode?: number;
  log?: string;
  uses?: string;
  with?: Record<string, string>;
  /** Not run here: its outputs were given by the test. */
  given?: boolean;
}

export interface ActionRun {
  /** The steps that ran (or were recorded), in order; skipped ones are absent. */
  steps: StepResult[];
  /** Whether a step failed (and so the job). */
  failed: boolean;
  outputs: Record<string, string>;
}

export function readAction(file: string): ActionDefinition {
  return parse(readFileSync(file, 'utf8')) as ActionDefinition;
}

export function runCompositeAction(
  action: ActionDefinition,
  options: {
    inputs: Record<string, string>;
    /** Steps by id that are not run here, with the outputs they would set. */
    given: Record<string, Record<string, string>>;
    cwd: string;
    env: NodeJS.ProcessEnv;
  },
): ActionRun {
  for (const name of Object.keys(options.inputs)) if (!(name in action.inputs)) throw new Error(`action.yml declares no input ${name}`);
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) inputs[name] = options.inputs[name] ?? input.default ?? '';
  const stepOutputs: Record<string, Record<string, string>> = {};
  const value = (expression: string): string => {
    const input = /^inputs\.([\w-]+)$/.exec(expression);
    if (input) {
      if (!(input[1] in inputs)) throw new Error(`action.yml reads an undeclared input: ${expression}`);
      return inputs[input[1]];
    }
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
    if (output) return stepOutputs[output[1]]?.[output[2]] ?? '';
    throw new Error(`expression not supported by this test runner: ${expression}`);
  };
  const interpolate = (text: string): string => text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => value(expression));
  const holds = (condition: string): boolean => {
    const comparison = /^([\w.-]+)\s*(==|!=)\s*'([^']*)'$/.exec(condition.trim());
    if (!comparison) throw new Error(`condition not supported by this test runner: ${condition}`);
    return (value(comparison[1]) === comparison[3]) === (comparison[2] === '==');
  };

  const work = mkdtempSync(path.join(os.tmpdir(), 'stagegate-action-'));
  const steps: StepResult[] = [];
  try {
    for (const step of action.runs.steps) {
      const name = step.name ?? step.uses ?? step.id ?? '(unnamed)';
      if (step.if !== undefined && !holds(step.if)) continue;
      if (step.id && step.id in options.given) {
        stepOutputs[step.id] = options.given[step.id];
        steps.push({ name, id: step.id, given: true });
        continue;
      }
      if (step.uses) {
        const evaluated = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, text]) => [key, interpolate(String(text))]));
        steps.push({ name, id: step.id, uses: step.uses, with: evaluated });
        continue;
      }
      if (step.shell !== 'bash' || step.run === undefined) throw new Error(`step ${name}: a run step with shell bash expected`);
      const script = path.join(work, `step-${steps.length}.sh`);
      const outputFile = path.join(work, `output-${steps.length}`);
      writeFileSync(script, step.run);
      writeFileSync(outputFile, '');
      const env: NodeJS.ProcessEnv = { ...options.env, GITHUB_OUTPUT: outputFile };
      for (const [key, text] of Object.entries(step.env ?? {})) env[key] = interpolate(String(text));
      const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
        cwd: options.cwd,
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      const outputs: Record<string, string> = {};
      for (const line of readFileSync(outputFile, 'utf8').split('\n').filter(Boolean)) {
        const at = line.indexOf('=');
        if (at < 0) throw new Error(`step ${name}: GITHUB_OUTPUT line without "=": ${line}`);
        outputs[line.slice(0, at)] = line.slice(at + 1);
      }
      if (step.id) stepOutputs[step.id] = outputs;
      const exitCode = result.status ?? -1;
      steps.push({ name, id: step.id, exitCode, log: `${result.stdout}${result.stderr}` });
      if (exitCode !== 0) return { steps, failed: true, outputs: actionOutputs() };
    }
    return { steps, failed: false, outputs: actionOutputs() };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  function actionOutputs(): Record<string, string> {
    return Object.fromEntries(Object.entries(action.outputs).map(([name, output]) => [name, interpolate(output.value)]));
  }
}
