#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { fleetConfig, FleetPipelineStack } from './fleet';
import { NODE_MODES, SampleStack } from './sample-stack';

// Only bin/ reads context and environment; lib/ takes everything through props.
const app = new App();
const sample = app.node.tryGetContext('sample') ?? 'single';
if (sample !== 'single' && sample !== 'fleet') {
  throw new Error(`context sample: got '${sample}'; must be single or fleet (cdk synth -c sample=fleet)`);
}
if (sample === 'fleet') {
  // Many clusters: one pipeline stack that deploys the platform to every environment of bin/fleet.ts.
  new FleetPipelineStack(app, 'EksFleet', {
    fleet: fleetConfig((key) => app.node.tryGetContext(key)),
    description: 'CDK Pipelines pipeline of the EKS architecture fleet',
  });
} else {
  const nodeModeName = app.node.tryGetContext('nodeMode') ?? 'managed';
  const nodeMode = NODE_MODES[nodeModeName];
  if (!nodeMode) {
    throw new Error(`context nodeMode: got '${nodeModeName}'; must be one of ${Object.keys(NODE_MODES).join(', ')} (cdk synth -c nodeMode=fargate)`);
  }

  // Account and region come from the usual CDK variables when set (cdk deploy sets them from your
  // profile); otherwise the stack is environment-agnostic. Either way, the VPC's 3 AZs are resolved
  // by CloudFormation at deploy time, so synth needs no lookup and no credentials.
  new SampleStack(app, 'EksArchitecture', {
    nodeMode: nodeMode(),
    env: process.env.CDK_DEFAULT_ACCOUNT || process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
    description: `EKS architecture sample (${nodeModeName} nodes): customer VPC, private encrypted cluster, EBS/EFS storage, ingress, workloads`,
  });
}
