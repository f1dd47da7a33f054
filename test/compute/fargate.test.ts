import { CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { FargateLogging } from '../../lib/compute/fargate-logging';
import { FargateProfile } from '../../lib/compute/fargate-profile';
import { NodeMode } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { awsSolutionsFindings, Finding, newStack } from '../helpers/synth';
import { clusterStack, managedPolicyNames, refId } from './fixtures';

function profiles(template: Template): Array<[string, any]> {
  return Object.entries(template.findResources('AWS::EKS::FargateProfile'));
}

describe('Fargate-only cluster (defaults)', () => {
  let template: Template;
  let cluster: EksCluster;
  beforeAll(() => {
    // GIVEN a cluster in Fargate mode with no options and no kubectl provider
    ({ cluster } = clusterStack({ nodeMode: NodeMode.fargate() }));
    template = Template.fromStack(Stack.of(cluster));
  });

  test('covers kube-system in a profile of its own, and the default namespace for workloads, created one after the other', () => {
    // THEN CoreDNS and add-ons have somewhere to run, and EKS gets one profile at a time
    const all = profiles(template);
    expect(all.map(([, p]) => p.Properties.Selectors)).toEqual([[{ Namespace: 'kube-system', Labels: [] }], [{ Namespace: 'default', Labels: [] }]]);
    expect(all[1][1].DependsOn).toEqual(expect.arrayContaining([all[0][0]]));
    expect(cluster.capacity.fargateProfiles).toHaveLength(2);
  });

  test('pod execution role trusts only this cluster\'s Fargate profiles and has only the Fargate managed policy', () => {
    // THEN each profile's role is confused-deputy protected
    const clusterId = Object.keys(template.findResources('AWS::EKS::Cluster'))[0];
    for (const [, p] of profiles(template)) {
      const roleId = refId(p.Properties.PodExecutionRoleArn);
      const role = template.toJSON().Resources[roleId].Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({
        Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
        Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', expect.arrayContaining([':fargateprofile/', { Ref: clusterId }, '/*'])] } } },
      })]);
      expect(managedPolicyNames(template, roleId)).toEqual(['AmazonEKSFargatePodExecutionRolePolicy']);
    }
  });

  test('does not patch CoreDNS with kubectl and adds no logging without being asked', () => {
    // THEN CoreDNS is left to the coredns add-on's computeType, and nothing needs a kubectl provider
    expect(Object.keys(template.findResources('Custom::AWSCDK-EKS-KubernetesPatch'))).toEqual([]);
    expect(Object.keys(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).length).toBeLessThanOrEqual(1);
    expect(cluster.capacity.fargateLogging).toBeUndefined();
  });
});

describe('Fargate logging', () => {
  let template: Template;
  let cluster: EksCluster;
  let findings: Finding[];
  beforeAll(() => {
    // GIVEN a Fargate cluster with a kubectl provider, logging on, and a profile added later
    ({ cluster } = clusterStack({
      nodeMode: NodeMode.fargate({ logging: true, logRetention: logs.RetentionDays.THREE_MONTHS, selectors: [{ namespace: 'apps', labels: { team: 'web' } }] }),
    }, { kubectl: true }));
    cluster.addFargateProfile('Batch', { selectors: [{ namespace: 'batch' }], fargateProfileName: 'batch' });
    // The template first: once cdk-nag is on the app, a synth with findings throws.
    template = Template.fromStack(Stack.of(cluster));
    findings = awsSolutionsFindings(Stack.of(cluster));
  });

  test('owns a KMS-encrypted log group with retention, retained by default', () => {
    // THEN the log group is named after the cluster and kept when the stack goes
    const groups = template.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: { 'Fn::Join': ['', ['/aws/eks/', Match.anyValue(), '/fargate']] } },
    });
    const [group] = Object.values(groups) as any[];
    expect(Object.keys(groups)).toHaveLength(1);
    expect(group.Properties.RetentionInDays).toBe(90);
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    expect(group.DeletionPolicy).toBe('Retain');
  });

  test('applies the aws-observability namespace and aws-logging ConfigMap that send container logs to that group', () => {
    // THEN one manifest carries the namespace (labelled) and the Fluent Bit output
    const [manifest] = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[];
    // Render the Fn::Join with each token as <Ref>, then read the Kubernetes objects back.
    const parts: any[] = manifest.Properties.Manifest['Fn::Join'][1];
    const objects = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : `<${p.Ref}>`)).join(''));
    expect(objects.map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/aws-observability', 'ConfigMap/aws-logging']);
    expect(objects[0].metadata.labels['aws-observability']).toBe('enabled');
    expect(objects[1].metadata.namespace).toBe('aws-observability');
    const groupId = Object.keys(template.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: { 'Fn::Join': ['', ['/aws/eks/', Match.anyValue(), '/fargate']] } },
    }))[0];
    expect(objects[1].data['output.conf']).toBe([
      '[OUTPUT]', '    Name cloudwatch_logs', '    Match kube.*', '    region <AWS::Region>', `    log_group_name <${groupId}>`,
      '    log_stream_prefix fargate-', '    auto_create_group false', '',
    ].join('\n'));
    expect(objects[1].data.flb_log_cw).toBe('false');
  });

  test('every pod execution role, the added profile\'s too, may write to the log group and nothing else', () => {
    // THEN the three profiles' roles carry the write grant on that log group
    const groupId = Object.keys(template.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: { 'Fn::Join': ['', ['/aws/eks/', Match.anyValue(), '/fargate']] } },
    }))[0];
    const all = profiles(template);
    expect(all).toHaveLength(3);
    for (const [, p] of all) {
      const roleId = refId(p.Properties.PodExecutionRoleArn);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: { Statement: [{
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [groupId, 'Arn'] },
        }] },
      });
    }
    expect(all.map(([, p]) => p.Properties.Selectors)).toEqual([
      [{ Namespace: 'kube-system', Labels: [] }],
      [{ Namespace: 'apps', Labels: [{ Key: 'team', Value: 'web' }] }],
      [{ Namespace: 'batch', Labels: [] }],
    ]);
    expect(all[2][1].Properties.FargateProfileName).toBe('batch');
  });

  test('has no cdk-nag finding of its own (the kubectl provider is the cluster\'s concern)', () => {
    // THEN only findings under the cluster's kubectl provider may remain
    expect(findings.filter((f) => !f.path.includes('/Cluster/KubectlProvider/'))).toEqual([]);
  });
});

describe('Fargate logging needs a kubectl provider', () => {
  test('EksCluster: logging on without kubectlLayer names both props', () => {
    // GIVEN no kubectlLayer WHEN Fargate logging is on THEN synth fails naming nodeMode and kubectlLayer
    expect(() => clusterStack({ nodeMode: NodeMode.fargate({ logging: true }) }))
      .toThrow(/EksCluster at 'Test\/Eks' has invalid props:\n {2}- nodeMode: got 'NodeMode\.fargate\(\{ logging: true \}\)'; .*kubectlLayer/);
  });

  test('FargateLogging alone on a cluster without a kubectl provider', () => {
    // GIVEN a plain eks.Cluster without kubectl WHEN FargateLogging is added THEN it says what to set
    const stack = newStack();
    const vpc = new CustomerVpc(stack, 'Network').vpc;
    const cluster = new eks.Cluster(stack, 'Own', { vpc, version: eks.KubernetesVersion.V1_36, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP });
    expect(() => new FargateLogging(stack, 'Logs', { cluster })).toThrow(/FargateLogging at 'Test\/Logs'[\s\S]*cluster: .*kubectlProviderOptions/);
  });

  test('logging options without logging are refused', () => {
    // GIVEN logRetention and logRemovalPolicy WHEN logging is off THEN both are named
    expect(() => clusterStack({ nodeMode: NodeMode.fargate({ logRetention: logs.RetentionDays.ONE_DAY, logRemovalPolicy: RemovalPolicy.DESTROY }) }))
      .toThrow(/nodeMode\.logRetention: got 'a value'; configures Fargate logging, which is off[\s\S]*nodeMode\.logRemovalPolicy/);
  });
});

describe('FargateProfile validation', () => {
  let stack: Stack;
  let cluster: eks.Cluster;
  beforeAll(() => {
    // GIVEN a plain aws-eks-v2 cluster in a CustomerVpc
    stack = newStack();
    const vpc = new CustomerVpc(stack, 'Network').vpc;
    cluster = new eks.Cluster(stack, 'Own', { vpc, version: eks.KubernetesVersion.V1_36, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP });
  });
  let n = 0;
  const add = (props: Partial<ConstructorParameters<typeof FargateProfile>[2]>) =>
    () => new FargateProfile(stack, `P${n++}`, { cluster, selectors: [{ namespace: 'apps' }], ...props } as any);

  test('more than 5 selectors', () => {
    // WHEN 6 selectors are given THEN the limit is named
    const selectors = ['a', 'b', 'c', 'd', 'e', 'f'].map((namespace) => ({ namespace }));
    expect(add({ selectors })).toThrow(/selectors: got '6 selectors'; a Fargate profile takes 1 to 5 selectors/);
  });

  test('a selector without namespace', () => {
    // WHEN a selector has only labels THEN its namespace is required
    expect(add({ selectors: [{ labels: { app: 'x' } } as any] })).toThrow(/selectors\[0\]\.namespace: got undefined; every selector needs a namespace/);
  });

  test('a namespace Kubernetes rejects', () => {
    // WHEN the namespace has upper case THEN it is refused
    expect(add({ selectors: [{ namespace: 'Apps' }] })).toThrow(/selectors\[0\]\.namespace: got 'Apps'; must be a Kubernetes namespace name/);
  });

  test('a selector label Kubernetes rejects', () => {
    // WHEN a selector label uses a reserved prefix THEN it is refused
    expect(add({ selectors: [{ namespace: 'apps', labels: { 'kubernetes.io/os': 'linux' } }] }))
      .toThrow(/selectors\[0\]\.labels key: got 'kubernetes\.io\/os'; the kubernetes\.io prefixes are reserved/);
  });

  test('a profile name starting with eks-', () => {
    // WHEN the name is in EKS's reserved space THEN it is refused
    expect(add({ fargateProfileName: 'eks-apps' })).toThrow(/fargateProfileName: got 'eks-apps'; names beginning with eks- are reserved/);
  });

  test('public subnets', () => {
    // WHEN the profile is put in public subnets THEN Fargate's private-only rule is named
    expect(add({ subnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(/subnets: got 'public subnets'; Fargate pods must run in private subnets/);
  });

  test('an option of another mode', () => {
    // WHEN a JavaScript caller passes a node group option THEN it is named as unknown
    expect(add({ instanceTypes: [] } as any)).toThrow(/instanceTypes: got 'a value'; is not an option of FargateProfile/);
  });

  test('a tokenized namespace is not rejected', () => {
    // WHEN the namespace is a token THEN the profile is created with it
    const ns = new CfnParameter(stack, 'Ns').valueAsString;
    const profile = add({ selectors: [{ namespace: ns }] })();
    expect(stack.resolve(profile.podExecutionRole.roleArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/PodExecutionRole/), 'Arn'] });
  });
});
