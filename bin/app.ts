#!/usr/bin/env node
import { App, RemovalPolicy } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
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

  // -c clusterAdminPrincipalArns=arn:aws:iam::<account>:role/Admin[,...]: who may use kubectl.
  const admins: string | undefined = app.node.tryGetContext('clusterAdminPrincipalArns');
  const clusterAdminPrincipalArns = admins === undefined ? undefined : String(admins).split(',').map((a) => a.trim()).filter((a) => a !== '');

  // Account and region come from the usual CDK variables when set (cdk deploy sets them from your
  // profile); otherwise the stack is environment-agnostic. Either way, the VPC's 3 AZs are resolved
  // by CloudFormation at deploy time, so synth needs no lookup and no credentials.
  new SampleStack(app, 'EksArchitecture', {
    nodeMode: nodeMode(),
    privateCluster: privateCluster === 'true',
    albChartRepository,
    // Unset: the library's default version. Unsupported versions fail in EksCluster, with the list.
    kubernetesVersion: kubernetesVersion === undefined ? undefined : eks.KubernetesVersion.of(String(kubernetesVersion)),
    // Unset: the library's default (RETAIN).
    removalPolicy,
    clusterAdminPrincipalArns,
    env: process.env.CDK_DEFAULT_ACCOUNT || process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
    description: `EKS architecture sample (${nodeModeName} nodes${privateCluster === 'true' ? ', private: no internet path' : ''}): customer VPC, private encrypted cluster, EBS/EFS storage, ingress, workloads`,
  });
}
