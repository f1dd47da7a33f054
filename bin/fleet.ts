import { Aws, Fn, Stack, StackProps, Stage, StageProps } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { NODE_MODES, SampleStack } from './sample-stack';

/**
 * The fleet sample (`cdk synth -c sample=fleet`): one CDK Pipelines pipeline that deploys the
 * sample platform to several environments, in several accounts and regions, wave by wave. The
 * environments are the typed config below; context supplies the account IDs (clearly fake by
 * default), so synth works offline and does no lookups.
 */

/** One environment of the fleet: one platform (one cluster) in one account and region. */
export interface FleetEnvironment {
  /** The environment's name: its pipeline stage and its platform name (`/cdk-eks-architecture/<name>/...`). */
  readonly name: string;
  /** The AWS account to deploy to. */
  readonly account?: string;
  /** The AWS region to deploy to. */
  readonly region?: string;
  /** The wave the environment deploys in; waves deploy in the order they first appear, environments of one wave in parallel. */
  readonly wave: string;
  /** The node mode, by its `-c nodeMode` name. */
  readonly nodeMode: string;
  /** The name of a role in the environment's account that becomes cluster admin. */
  readonly adminRoleName?: string;
}

/** The fleet: where the pipeline lives, where it reads the source, and the environments. */
export interface FleetConfig {
  /** The account of the pipeline (the "tools" account every environment trusts with `cdk bootstrap --trust`). */
  readonly toolsAccount: string;
  /** The region of the pipeline. */
  readonly toolsRegion: string;
  /** The CodeConnections connection to the source repository. */
  readonly connectionArn: string;
  /** The source repository, `owner/name`. */
  readonly repository: string;
  /** The branch the pipeline deploys. */
  readonly branch: string;
  /** The environments, in wave order. */
  readonly environments: FleetEnvironment[];
}

/** Fake account IDs, so that synth works with no configuration; override them with context. */
export const FAKE_ACCOUNTS = { tools: '111111111111', dev: '111111111111', prod: '222222222222' };

/** Regions the bench's larger fleets add production environments in, after the three below. */
const MORE_REGIONS = ['eu-central-1', 'us-west-2', 'ap-southeast-2', 'ap-northeast-1', 'ca-central-1', 'sa-east-1'];

/**
 * The fleet from context: `toolsAccount`, `devAccount`, `prodAccount` (fake defaults),
 * `connectionArn`, `repository`, `branch`; `fleetSize` (default 3) adds production environments
 * in more regions, for the benchmark.
 */
export function fleetConfig(context: (key: string) => unknown): FleetConfig {
  const text = (key: string, fallback: string) => String(context(key) ?? fallback);
  const tools = text('toolsAccount', FAKE_ACCOUNTS.tools);
  const dev = text('devAccount', FAKE_ACCOUNTS.dev);
  const prod = text('prodAccount', FAKE_ACCOUNTS.prod);
  const size = Number(context('fleetSize') ?? 3);
  if (!Number.isInteger(size) || size < 1 || size > 3 + MORE_REGIONS.length) {
    throw new Error(`context fleetSize: got '${context('fleetSize')}'; must be a whole number from 1 to ${3 + MORE_REGIONS.length}`);
  }
  const environments: FleetEnvironment[] = [
    // Dev first, on Auto Mode: nothing to patch, nodes only while pods run.
    { name: 'dev', account: dev, region: 'eu-west-1', wave: 'dev', nodeMode: 'auto-mode', adminRoleName: 'PlatformAdmin' },
    // Then production, both regions in parallel, on managed node groups.
    { name: 'prod-eu-west-1', account: prod, region: 'eu-west-1', wave: 'prod', nodeMode: 'managed', adminRoleName: 'PlatformAdmin' },
    { name: 'prod-us-east-1', account: prod, region: 'us-east-1', wave: 'prod', nodeMode: 'managed', adminRoleName: 'PlatformAdmin' },
    ...MORE_REGIONS.map((region) => ({ name: `prod-${region}`, account: prod, region, wave: 'prod', nodeMode: 'managed', adminRoleName: 'PlatformAdmin' })),
  ].slice(0, size);
  return {
    toolsAccount: tools,
    toolsRegion: text('toolsRegion', 'eu-west-1'),
    connectionArn: text('connectionArn', `arn:aws:codeconnections:eu-west-1:${tools}:connection/00000000-0000-0000-0000-000000000000`),
    repository: text('repository', 'example-org/eks-platform'),
    branch: text('branch', 'main'),
    environments,
  };
}

/** Every problem of a fleet config, or none: each environment needs an account and a region, and names are unique. */
export function fleetProblems(config: FleetConfig): string[] {
  const problems: string[] = [];
  const seen = new Map<string, FleetEnvironment>();
  for (const [i, e] of config.environments.entries()) {
    const where = `environments[${i}] '${e.name}'`;
    if (!e.account) problems.push(`${where}: account is missing; a pipeline deploys to one account (set it, or its context value)`);
    else if (!/^\d{12}$/.test(e.account)) problems.push(`${where}: account got '${e.account}'; must be 12 digits`);
    if (!e.region) problems.push(`${where}: region is missing; a pipeline deploys to one region, such as eu-west-1`);
    if (!NODE_MODES[e.nodeMode]) problems.push(`${where}: nodeMode got '${e.nodeMode}'; must be one of ${Object.keys(NODE_MODES).join(', ')}`);
    const first = seen.get(e.name);
    if (first) {
      const same = first.account === e.account && first.region === e.region;
      problems.push(`${where}: the name is taken by an earlier environment${same ? ` in the same account and region (${e.account}, ${e.region})` : ''}; ` +
        'each environment is one pipeline stage and one platform name, so names are unique');
    }
    seen.set(e.name, e);
  }
  if (config.environments.length === 0) problems.push('environments: empty; list at least one');
  return problems;
}

/** Props of {@link PlatformStage}. */
export interface PlatformStageProps extends StageProps {
  /** The environment. */
  readonly environment: FleetEnvironment;
}

/** One environment: the sample stack, with the platform's identity published under the environment's name. */
export class PlatformStage extends Stage {
  public readonly stack: SampleStack;

  public constructor(scope: Construct, id: string, props: PlatformStageProps) {
    super(scope, id, props);
    const e = props.environment;
    // No lookup: the VPC takes the region's first 3 AZs at deploy time (Fn::GetAZs), but ec2.Vpc
    // still asks an account-and-region stack for its AZs, which is a context lookup. Say here that
    // this stack's AZs are the deploy-time ones, as they are for an environment-agnostic stack.
    this.node.setContext(`${cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER}:account=${e.account}:region=${e.region}`,
      [0, 1, 2].map((i) => Fn.select(i, Fn.getAzs())));
    this.stack = new SampleStack(this, 'EksArchitecture', {
      nodeMode: NODE_MODES[e.nodeMode](),
      platformName: e.name,
      clusterAdminPrincipalArns: e.adminRoleName ? [`arn:${Aws.PARTITION}:iam::${e.account}:role/${e.adminRoleName}`] : undefined,
      description: `EKS architecture platform ${e.name} (${e.nodeMode} nodes), deployed by the fleet pipeline`,
    });
  }
}

/** Props of {@link FleetPipelineStack}. */
export interface FleetPipelineStackProps extends StackProps {
  /** The fleet. */
  readonly fleet: FleetConfig;
}

/** The pipeline: synth from the repository, then one wave per `wave` of the config. */
export class FleetPipelineStack extends Stack {
  public readonly pipeline: pipelines.CodePipeline;
  public readonly stages: PlatformStage[] = [];

  public constructor(scope: Construct, id: string, props: FleetPipelineStackProps) {
    const problems = fleetProblems(props.fleet);
    if (problems.length > 0) {
      throw new Error(`fleet config has problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    super(scope, id, { ...props, env: { account: props.fleet.toolsAccount, region: props.fleet.toolsRegion } });
    const fleet = props.fleet;

    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      // Environments live in other accounts: artifacts are encrypted with a key they can be granted.
      crossAccountKeys: true,
      pipelineType: codepipeline.PipelineType.V2,
      enableKeyRotation: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.connection(fleet.repository, fleet.branch, { connectionArn: fleet.connectionArn }),
        commands: ['npm ci', 'npx cdk synth -c sample=fleet'],
      }),
    });

    const waves = new Map<string, pipelines.Wave>();
    for (const e of fleet.environments) {
      let wave = waves.get(e.wave);
      if (!wave) {
        // Every wave after the first waits for a person: production goes after dev is checked.
        wave = this.pipeline.addWave(e.wave, waves.size > 0 ? { pre: [new pipelines.ManualApprovalStep(`Promote-${e.wave}`)] } : undefined);
        waves.set(e.wave, wave);
      }
      const stage = new PlatformStage(this, e.name, { env: { account: e.account, region: e.region }, environment: e });
      wave.addStage(stage);
      this.stages.push(stage);
    }
  }
}
