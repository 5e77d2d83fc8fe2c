// A check of a large workspace after one file changes: what the editor pays per pause in typing.
// 500 plans and 500 flag files (copies of the example); medians of repeated checks after editing one plan.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleEngine, root } from '../scripts/bundle-engine.mjs';

const json = process.argv.includes('--json');
const repeats = process.argv.includes('--quick') ? 3 : 9;
const { engine } = await bundleEngine('workspace-engine', [
  "export { Workspace } from './src/engine/workspace/workspace';",
  "export { defaultConfig } from './src/engine/config/config';",
]);
const { Workspace, defaultConfig } = engine;

const plan = readFileSync(join(root, 'examples/checkout/checkout.release.yaml'), 'utf8');
const flags = readFileSync(join(root, 'examples/checkout/checkout.flags.yaml'), 'utf8');
const files = 500;
const workspace = new Workspace(defaultConfig('2026-11-26'));
for (let i = 0; i < files; i++) {
  workspace.setFile(`/w/p${i}.release.yaml`, plan.replace('checkout-2.4', `checkout-${i}`));
  workspace.setFile(`/w/f${i}.flags.yaml`, flags.replace(/checkout-new-pricing/g, `flag-${i}`));
}
const time = async (work) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};
const first = await time(() => workspace.check());
const afterEdit = [];
for (let k = 0; k < repeats; k++) {
  workspace.setFile('/w/p0.release.yaml', plan.replace('checkout-2.4', `edited-${k}`));
  afterEdit.push(await time(() => workspace.check()));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const result = { files: files * 2, firstCheckMs: Math.round(first), recheckAfterOneEditMs: Math.round(median(afterEdit)) };
if (json) console.log(JSON.stringify(result));
else
  console.log(
    `workspace of ${result.files} files: first check ${result.firstCheckMs} ms; check after editing one plan ${result.recheckAfterOneEditMs} ms (median of ${repeats})`,
  );
