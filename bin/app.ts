#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { NODE_MODES, SampleStack } from './sample-stack';

// Only bin/ reads context and environment; lib/ takes everything through props.
const app = new App();
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
