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

  // -c privateCluster=true builds the variant with no internet path; its controller chart comes from
  // private ECR (-c albChartRepository=oci://.../aws-load-balancer-controller, docs/PRIVATE-CLUSTERS.md).
  const privateCluster = String(app.node.tryGetContext('privateCluster') ?? 'false');
  if (!['true', 'false'].includes(privateCluster)) {
    throw new Error(`context privateCluster: got '${privateCluster}'; must be true or false (cdk synth -c privateCluster=true)`);
  }
  const albChartRepository: string | undefined = app.node.tryGetContext('albChartRepository');

  // Account and region come from the usual CDK variables when set (cdk deploy sets them from your
  // profile); otherwise the stack is environment-agnostic. Either way, the VPC's 3 AZs are resolved
  // by CloudFormation at deploy time, so synth needs no lookup and no credentials.
  new SampleStack(app, 'EksArchitecture', {
    nodeMode: nodeMode(),
    privateCluster: privateCluster === 'true',
    albChartRepository,
    env: process.env.CDK_DEFAULT_ACCOUNT || process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
    description: `EKS architecture sample (${nodeModeName} nodes${privateCluster === 'true' ? ', private: no internet path' : ''}): customer VPC, private encrypted cluster, EBS/EFS storage, ingress, workloads`,
  });
}
