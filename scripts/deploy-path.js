/*
 * The deploy path of a template: the longest path through its dependency graph, each resource
 * weighted by a typical create time of its type. CloudFormation creates a resource once everything
 * it names (DependsOn, Ref, Fn::GetAtt, Fn::Sub) exists and creates independent resources in
 * parallel, so the longest weighted path is a lower bound of `cdk deploy` of a new stack, and what
 * shortens when a resource stops waiting for something it does not need.
 *
 * Used by `npm run bench` (scripts/bench.js); the table and its sources are in docs/BENCHMARKS.md.
 * Plain Node, no dependencies.
 */
'use strict';

/**
 * Typical create times in seconds, per resource type. Estimates, rounded: no AWS account is
 * available to this repository to measure them. Sources: the EKS User Guide (a cluster takes
 * about 10 minutes, a managed node group and a Fargate profile a few), the Amazon VPC User Guide
 * (a NAT gateway takes a few minutes to become available), CloudFormation stack events of
 * comparable stacks (IAM instance profiles wait about 2 minutes for IAM propagation, EFS mount
 * targets about 90 seconds, Lambda functions in a VPC up to a minute for their network
 * interfaces), and the Helm charts' `wait: true` installs (a controller's pods scheduled and
 * ready). What matters is their ratio: the control plane dominates every path.
 */
const CREATE_SECONDS = {
  'AWS::EKS::Cluster': 600,
  'AWS::EKS::Nodegroup': 240,
  'AWS::EKS::FargateProfile': 180,
  'AWS::EKS::Addon': 60,
  'AWS::EKS::AccessEntry': 5,
  'AWS::EKS::PodIdentityAssociation': 5,
  'AWS::AutoScaling::AutoScalingGroup': 90,
  'AWS::AutoScaling::LifecycleHook': 5,
  'AWS::EC2::LaunchTemplate': 5,
  'AWS::IAM::InstanceProfile': 120,
  'AWS::IAM::Role': 15,
  'AWS::IAM::Policy': 15,
  'AWS::IAM::ManagedPolicy': 15,
  'AWS::IAM::OIDCProvider': 5,
  'Custom::AWSCDKOpenIdConnectProvider': 30,
  'AWS::EC2::VPC': 15,
  'AWS::EC2::Subnet': 10,
  'AWS::EC2::RouteTable': 5,
  'AWS::EC2::SubnetRouteTableAssociation': 5,
  'AWS::EC2::Route': 5,
  'AWS::EC2::EIP': 5,
  'AWS::EC2::InternetGateway': 15,
  'AWS::EC2::VPCGatewayAttachment': 15,
  'AWS::EC2::NatGateway': 120,
  'AWS::EC2::VPCEndpoint': 90,
  'AWS::EC2::SecurityGroup': 10,
  'AWS::EC2::SecurityGroupIngress': 5,
  'AWS::EC2::SecurityGroupEgress': 5,
  'AWS::EC2::FlowLog': 10,
  'Custom::VpcRestrictDefaultSG': 30,
  'AWS::KMS::Key': 30,
  'AWS::KMS::Alias': 5,
  'AWS::Logs::LogGroup': 5,
  'AWS::Lambda::Function': 45,
  'AWS::Lambda::LayerVersion': 20,
  'AWS::Lambda::Permission': 5,
  'Custom::AWSCDK-EKS-KubernetesResource': 60,
  'Custom::AWSCDK-EKS-HelmChart': 180,
  'Custom::AWSCDK-EKS-KubernetesPatch': 30,
  'Custom::AWSCDK-EKS-KubernetesObjectValue': 30,
  'AWS::EFS::FileSystem': 20,
  'AWS::EFS::MountTarget': 90,
  'AWS::FSx::FileSystem': 600,
  'AWS::S3::Bucket': 20,
  'AWS::S3::BucketPolicy': 5,
  'AWS::SSM::Parameter': 5,
  'AWS::SQS::Queue': 60,
  'AWS::SQS::QueuePolicy': 5,
  'AWS::Events::Rule': 10,
  'AWS::CDK::Metadata': 0,
};
/** Any type not in the table. */
const DEFAULT_SECONDS = 10;

function secondsOf(type) {
  if (type in CREATE_SECONDS) return CREATE_SECONDS[type];
  return /^Custom::|^AWS::CloudFormation::CustomResource$/.test(type) ? 30 : DEFAULT_SECONDS;
}

/** The logical IDs `resource` waits for: DependsOn, Ref, Fn::GetAtt and Fn::Sub references to resources. */
function dependenciesOf(resources, resource) {
  const found = new Set([resource.DependsOn ?? []].flat());
  const walk = (value) => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value && typeof value === 'object') {
      if (typeof value.Ref === 'string') found.add(value.Ref);
      const getAtt = value['Fn::GetAtt'];
      if (Array.isArray(getAtt)) found.add(getAtt[0]);
      if (typeof getAtt === 'string') found.add(getAtt.split('.')[0]);
      const sub = value['Fn::Sub'];
      const text = typeof sub === 'string' ? sub : Array.isArray(sub) ? sub[0] : '';
      for (const m of String(text).matchAll(/\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}/g)) found.add(m[1]);
      Object.values(value).forEach(walk);
    }
  };
  walk(resource.Properties);
  return [...found].filter((id) => resources[id]);
}

/**
 * The deploy path of a template: `{ seconds, path }`, `path` being the critical chain from the
 * first resource created to the last, each with its type and weight.
 */
function deployPath(template) {
  const resources = template.Resources ?? {};
  const memo = new Map();
  const finish = (id, stack = new Set()) => {
    if (memo.has(id)) return memo.get(id);
    if (stack.has(id)) throw new Error(`dependency cycle at ${id}`);
    stack.add(id);
    let best = { seconds: 0, path: [] };
    for (const dep of dependenciesOf(resources, resources[id])) {
      const f = finish(dep, stack);
      if (f.seconds > best.seconds) best = f;
    }
    stack.delete(id);
    const own = secondsOf(resources[id].Type);
    const result = { seconds: best.seconds + own, path: [...best.path, { id, type: resources[id].Type, seconds: own }] };
    memo.set(id, result);
    return result;
  };
  let longest = { seconds: 0, path: [] };
  for (const id of Object.keys(resources)) {
    const f = finish(id);
    if (f.seconds > longest.seconds) longest = f;
  }
  return longest;
}

module.exports = { CREATE_SECONDS, DEFAULT_SECONDS, deployPath, secondsOf };
