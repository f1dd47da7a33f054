#!/usr/bin/env node
import { App, RemovalPolicy } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { NODE_MODES, SampleStack } from './sample-stack';

// Only bin/ reads context and environment; lib/ takes everything through props.
const app = new App();
const nodeModeName = app.node.tryGetContext('nodeMode') ?? 'managed';
const nodeMode = NODE_MODES[nodeModeName];
if (!nodeMode) {
  throw new Error(`context nodeMode: got '${nodeModeName}'; must be one of ${Object.keys(NODE_MODES).join(', ')} (cdk synth -c nodeMode=fargate)`);
}
const kubernetesVersion: string | undefined = app.node.tryGetContext('kubernetesVersion');
if (kubernetesVersion !== undefined && !/^1\.\d{1,2}$/.test(String(kubernetesVersion))) {
  throw new Error(`context kubernetesVersion: got '${kubernetesVersion}'; must look like 1.35 (cdk deploy -c kubernetesVersion=1.35)`);
}
const REMOVAL_POLICIES: Record<string, RemovalPolicy> = { retain: RemovalPolicy.RETAIN, destroy: RemovalPolicy.DESTROY };
const removalPolicyName: string | undefined = app.node.tryGetContext('removalPolicy');
const removalPolicy = removalPolicyName === undefined ? undefined : REMOVAL_POLICIES[removalPolicyName];
if (removalPolicyName !== undefined && !removalPolicy) {
  throw new Error(`context removalPolicy: got '${removalPolicyName}'; must be one of ${Object.keys(REMOVAL_POLICIES).join(', ')} (cdk deploy -c removalPolicy=destroy)`);
}

// Account and region come from the usual CDK variables when set (cdk deploy sets them from your
// profile); otherwise the stack is environment-agnostic. Either way, the VPC's 3 AZs are resolved
// by CloudFormation at deploy time, so synth needs no lookup and no credentials.
new SampleStack(app, 'EksArchitecture', {
  nodeMode: nodeMode(),
  // Unset: the library's default version. Unsupported versions fail in EksCluster, with the list.
  kubernetesVersion: kubernetesVersion === undefined ? undefined : eks.KubernetesVersion.of(String(kubernetesVersion)),
  // Unset: the library's default (RETAIN).
  removalPolicy,
  env: process.env.CDK_DEFAULT_ACCOUNT || process.env.CDK_DEFAULT_REGION
    ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
    : undefined,
  description: `EKS architecture sample (${nodeModeName} nodes): customer VPC, private encrypted cluster, EBS/EFS storage, ingress, workloads`,
});
