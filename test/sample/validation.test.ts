/**
 * aws-cdk-lib's built-in CloudFormation validation, once per node mode (it costs seconds per
 * synth, so every other test turns it off).
 */
import * as fs from 'fs';
import * as path from 'path';
import { fleetConfig, FleetPipelineStack } from '../../bin/fleet';
import { NODE_MODES, SampleStack } from '../../bin/sample-stack';
import { testApp } from '../helpers/synth';
import { MODES } from './fixtures';

const VARIANTS: Array<[string, string, boolean]> = [
  ...MODES.map((mode): [string, string, boolean] => [mode, mode, false]),
  ...MODES.map((mode): [string, string, boolean] => [`${mode}, private`, mode, true]),
  ['fleet', 'fleet', false],
];

test.each(VARIANTS)('%s: the built-in CloudFormation validation reports nothing', (_name, mode, privateCluster) => {
  // GIVEN the sample app (or its private variant) with validation on (the default); the fleet: the
  // pipeline and every stage's stack
  const app = testApp({ validation: true });
  if (mode === 'fleet') {
    new FleetPipelineStack(app, 'EksFleet', { fleet: fleetConfig(() => undefined) });
  } else {
    new SampleStack(app, 'EksArchitecture', { nodeMode: NODE_MODES[mode](), privateCluster });
  }
  // WHEN synthesized
  const warn = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    app.synth();
  } finally {
    warn.mockRestore();
  }
  // THEN no violation of any severity is reported
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
  const violations = report.pluginReports.flatMap((p: any) => p.violations.map((v: any) => `${v.ruleName}: ${v.description} at ${v.violatingConstructs.map((c: any) => c.constructPath).join(', ')}`));
  expect(violations).toEqual([]);
});
