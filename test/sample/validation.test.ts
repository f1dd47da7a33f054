/**
 * aws-cdk-lib's built-in CloudFormation validation, once per node mode (it costs seconds per
 * synth, so every other test turns it off).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { NODE_MODES, SampleStack } from '../../bin/sample-stack';
import { MODES } from './fixtures';

test.each(MODES)('%s: the built-in CloudFormation validation reports nothing', (mode) => {
  // GIVEN the sample app with validation on (the default)
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-validation-'));
  const app = new App({ outdir });
  new SampleStack(app, 'EksArchitecture', { nodeMode: NODE_MODES[mode]() });
  // WHEN synthesized
  const warn = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    app.synth();
  } finally {
    warn.mockRestore();
  }
  // THEN no violation of any severity is reported
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  const violations = report.pluginReports.flatMap((p: any) => p.violations.map((v: any) => `${v.ruleName}: ${v.description} at ${v.violatingConstructs.map((c: any) => c.constructPath).join(', ')}`));
  expect(violations).toEqual([]);
});
