import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, IPolicyValidationPlugin, Stack, Validations } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';

const OUTDIRS: string[] = [];

/**
 * A new app for a test, writing to its own temporary directory (removed after the test file by
 * test/helpers/cleanup.ts). Assets are not staged: the kubectl layer alone would copy 60 MB per
 * synth. aws-cdk-lib's built-in CloudFormation validation is off unless asked for: it costs seconds
 * per synth and runs once per node mode in test/sample/validation.test.ts instead.
 */
export function testApp(options: { validation?: boolean; context?: Record<string, unknown> } = {}): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-test-'));
  OUTDIRS.push(outdir);
  return new App({
    builtinCloudFormationValidation: options.validation ?? false,
    outdir,
    context: { [cxapi.DISABLE_ASSET_STAGING_CONTEXT]: true, ...options.context },
  });
}

/** Removes the output directories of every app `testApp` made in this test file. */
export function removeTestOutdirs(): void {
  for (const dir of OUTDIRS.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A new app (see `testApp`) and stack for a test. */
export function newStack(options: { validation?: boolean; env?: { account?: string; region?: string } } = {}): Stack {
  return new Stack(testApp({ validation: options.validation }), 'Test', { env: options.env });
}

/** The template of a stack. */
export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** One unacknowledged finding: `rule` at `path` (the construct path), reported by `plugin`. */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly path: string;
  readonly severity: string;
}

/**
 * The rule packs tests run: cdk-nag's AwsSolutions, NIST 800-53 rev 5, HIPAA Security and PCI DSS
 * 3.2.1 packs, and the AWS Control Tower proactive controls through `@cdklabs/cdk-validator-cfnguard`
 * (its bundled Guard rules and cfn-guard binary, offline).
 */
export const PACKS = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'ControlTower'] as const;
export type Pack = typeof PACKS[number];

function plugin(app: App, pack: Pack): IPolicyValidationPlugin {
  switch (pack) {
    case 'AwsSolutions': return new AwsSolutionsChecks(app);
    case 'NIST.800.53.R5': return new NIST80053R5Checks(app);
    case 'HIPAA.Security': return new HIPAASecurityChecks(app);
    case 'PCI.DSS.321': return new PCIDSS321Checks(app);
    case 'ControlTower': return new CfnGuardValidator();
  }
}

/**
 * Runs `packs` (all by default) in one synth of the app of `scope`, over every stack in it (the
 * Guard rules' cfn-guard process starts once for all templates), and returns every finding that
 * was not acknowledged, errors and warnings alike. A Control Tower finding the Guard plugin cannot
 * place on a resource has path `''`: it cannot be acknowledged, so it always counts. The one place
 * tests talk to cdk-nag and the Guard plugin. Once per app: the plugins stay registered on it.
 */
export function complianceFindings(scope: IConstruct, packs: readonly Pack[] = PACKS): Finding[] {
  const app = scope.node.root as App;
  Validations.of(app).addPlugins(...packs.map((p) => plugin(app, p)));
  const silence = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const silenceLog = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const reportFile = path.join(app.outdir, 'validation-report.json');
  fs.rmSync(reportFile, { force: true });
  try {
    app.synth({ force: true });
  } catch (e) {
    // Error findings make synth throw after writing the report; anything else is a real error.
    if (!fs.existsSync(reportFile)) {
      throw e;
    }
  } finally {
    silence.mockRestore();
    silenceLog.mockRestore();
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const findings: Finding[] = [];
  for (const r of report.pluginReports ?? []) {
    if (r.metadata?.error) {
      // A plugin that crashed (say, cfn-guard could not run) checked nothing: that is no pass.
      throw new Error(String(r.metadata.error));
    }
    for (const v of r.violations ?? []) {
      for (const c of v.violatingConstructs ?? []) {
        findings.push({ plugin: r.pluginName, rule: v.ruleName, path: c.constructPath ?? '', severity: v.severity });
      }
    }
  }
  return findings;
}

/** cdk-nag's AwsSolutions pack only (see `complianceFindings`). */
export function awsSolutionsFindings(stack: Stack): Finding[] {
  return complianceFindings(stack, ['AwsSolutions']);
}

/** The logical ID of the single resource of `type` whose path contains `pathPart`. */
export function logicalIdOf(template: Template, type: string, props: object = {}): string {
  const found = Object.keys(template.findResources(type, props));
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.length}: ${found.join(', ')}`);
  }
  return found[0];
}
