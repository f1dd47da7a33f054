/**
 * The fleet sample (`cdk synth -c sample=fleet`): one CDK Pipelines pipeline, environments in
 * several accounts and regions deployed in waves, each publishing its cluster's identity. The
 * claims of each stage's stack are tested with the single-stack sample's
 * (test/sample/architecture.test.ts), its built-in validation in test/sample/validation.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FAKE_ACCOUNTS, FleetConfig, fleetConfig, FleetEnvironment, FleetPipelineStack, fleetProblems } from '../../bin/fleet';
import { awsSolutionsFindings, Finding, testApp } from '../helpers/synth';
import { fleet, FLEET_ENVIRONMENTS } from './fixtures';

const pipelineTemplate = () => Template.fromStack(fleet());
const pipelineStages = () => (Object.values(pipelineTemplate().findResources('AWS::CodePipeline::Pipeline'))[0] as any).Properties.Stages as any[];

describe('the pipeline', () => {
  test('has at least 3 environments in at least 2 accounts and 2 regions', () => {
    // GIVEN the fleet with its default context WHEN synthesized THEN the stages' stacks say where they go
    const envs = fleet().stages.map((st) => ({ account: st.stack.account, region: st.stack.region }));
    expect(envs.length).toBeGreaterThanOrEqual(3);
    expect(new Set(envs.map((e) => e.account)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(envs.map((e) => e.region)).size).toBeGreaterThanOrEqual(2);
    expect(envs).toContainEqual({ account: FAKE_ACCOUNTS.prod, region: 'us-east-1' });
  });

  test('deploys in waves: dev first, then production regions in parallel after an approval', () => {
    const names = pipelineStages().map((s) => s.Name);
    expect(names).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'dev', 'prod']);
    const prod = pipelineStages().find((s) => s.Name === 'prod');
    const approval = prod.Actions.find((a: any) => a.ActionTypeId.Category === 'Approval');
    const deploys = prod.Actions.filter((a: any) => a.ActionTypeId.Provider === 'CloudFormation' && /Deploy$/.test(a.Name));
    expect(deploys.map((a: any) => a.Name.split('.')[0]).sort()).toEqual(['prod-eu-west-1', 'prod-us-east-1']);
    // Both regions deploy at the same run order, after the approval.
    expect(new Set(deploys.map((a: any) => a.RunOrder)).size).toBe(1);
    expect(deploys[0].RunOrder).toBeGreaterThan(approval.RunOrder);
    // Each deploy assumes the deploy role of its own account.
    expect(JSON.stringify(deploys.map((a: any) => a.RoleArn))).toContain(`${FAKE_ACCOUNTS.prod}:role/cdk-hnb659fds-deploy-role-${FAKE_ACCOUNTS.prod}-us-east-1`);
  });

  test('reads the source through a CodeConnections connection from context, and synthesizes the fleet', () => {
    const source = pipelineStages()[0].Actions[0];
    expect(source.ActionTypeId).toMatchObject({ Provider: 'CodeStarSourceConnection' });
    expect(source.Configuration).toMatchObject({ FullRepositoryId: 'example-org/eks-platform', BranchName: 'main', ConnectionArn: expect.stringMatching(/^arn:aws:codeconnections:.*:connection\//) });
    const build = Object.values(pipelineTemplate().findResources('AWS::CodeBuild::Project')).map((p: any) => p.Properties.Source.BuildSpec).join('\n');
    expect(build).toContain('npx cdk synth -c sample=fleet');
  });

  test('synthesizes offline: no stage asks for a context lookup', () => {
    // WHEN the whole app is written out THEN no assembly lists missing context (which a lookup would need)
    const app = fleet().node.root as App;
    const assembly = app.synth();
    const manifests = [assembly, ...assembly.nestedAssemblies.map((n) => n.nestedAssembly)].map((a) => JSON.parse(fs.readFileSync(path.join(a.directory, 'manifest.json'), 'utf8')));
    expect(manifests).toHaveLength(1 + FLEET_ENVIRONMENTS.length);
    expect(manifests.map((m) => m.missing ?? [])).toEqual(manifests.map(() => []));
  });
});

describe.each(FLEET_ENVIRONMENTS.map((e) => e.name))('stage %s', (name) => {
  const stage = () => fleet().stages.find((st) => st.node.id === name)!;

  test('publishes its cluster identity under its own name', () => {
    const template = Template.fromStack(stage().stack);
    const names = Object.values(template.findResources('AWS::SSM::Parameter')).map((p: any) => p.Properties.Name).filter((n) => n !== undefined).sort();
    expect(names).toEqual([
      'arn', 'availability-zones', 'certificate-authority', 'endpoint', 'kubectl-role-arn', 'kubectl-service-token', 'kubernetes-version',
      'name', 'node-mode', 'node-security-group-ids', 'oidc-issuer', 'private-subnet-ids', 'security-group-id', 'vpc-id',
    ].map((key) => `/cdk-eks-architecture/${name}/cluster/${key}`).sort());
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: `/cdk-eks-architecture/${name}/cluster/node-mode`, Value: FLEET_ENVIRONMENTS.find((e) => e.name === name)!.nodeMode });
  });

  test('keeps the logical IDs of the single-stack sample', () => {
    const template = Template.fromStack(stage().stack);
    expect(Object.keys(template.findResources('AWS::EKS::Cluster'))).toEqual(['ClusterC2E21B66']);
    expect(Object.keys(template.findResources('AWS::EFS::FileSystem'))).toEqual(['EfsFileSystem339D9BB5']);
  });
});

describe('cdk-nag', () => {
  let findings: Finding[];
  beforeAll(() => {
    // One nag run over a fresh fleet app: every stage at once.
    const stack = new FleetPipelineStack(testApp(), 'EksFleet', { fleet: fleetConfig(() => undefined) });
    findings = awsSolutionsFindings(stack.stages[0].stack);
  });

  test.each(FLEET_ENVIRONMENTS.map((e) => e.name))('AwsSolutions finds nothing unacknowledged in the stack of %s', (name) => {
    expect(findings.filter((f) => f.path.startsWith(`EksFleet/${name}/`))).toEqual([]);
  });
});

describe('bad fleet config is refused at synth', () => {
  const base = fleetConfig(() => undefined);
  const build = (environments: FleetEnvironment[]) => () => new FleetPipelineStack(new App(), 'EksFleet', { fleet: { ...base, environments } as FleetConfig });
  const dev = base.environments[0];

  test('two environments with the same account, region and name', () => {
    expect(build([dev, { ...dev, wave: 'again' }])).toThrow(/environments\[1\] 'dev': the name is taken by an earlier environment in the same account and region \(111111111111, eu-west-1\)/);
  });

  test('the same name in another account is refused too (one stage, one platform name); other names are fine', () => {
    expect(build([dev, { ...dev, account: FAKE_ACCOUNTS.prod }])).toThrow(/environments\[1\] 'dev': the name is taken by an earlier environment;/);
    expect(fleetProblems({ ...base, environments: [dev, { ...dev, name: 'dev-2' }] })).toEqual([]);
  });

  test('an environment without an account', () => {
    expect(build([{ ...dev, account: undefined }])).toThrow(/environments\[0\] 'dev': account is missing/);
    expect(build([{ ...dev, account: '1234' }])).toThrow(/environments\[0\] 'dev': account got '1234'; must be 12 digits/);
  });

  test('an environment without a region', () => {
    expect(build([{ ...dev, region: undefined }])).toThrow(/environments\[0\] 'dev': region is missing/);
  });

  test('every problem at once', () => {
    expect(build([{ ...dev, account: undefined, region: undefined }])).toThrow(/account is missing[\s\S]*region is missing/);
  });

  test('a fleet size outside 1 to 9', () => {
    expect(() => fleetConfig((k) => (k === 'fleetSize' ? '10' : undefined))).toThrow(/context fleetSize: got '10'; must be a whole number from 1 to 9/);
    expect(fleetConfig((k) => (k === 'fleetSize' ? '9' : undefined)).environments).toHaveLength(9);
    expect(fleetConfig((k) => (k === 'fleetSize' ? '1' : undefined)).environments.map((e) => e.name)).toEqual(['dev']);
  });
});
