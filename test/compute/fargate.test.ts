import { CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { IEksCluster } from '../../lib/cluster/i-eks-cluster';
import { FargateLogging } from '../../lib/compute/fargate-logging';
import { FargateProfile } from '../../lib/compute/fargate-profile';
import { NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { awsSolutionsFindings, Finding } from '../helpers/synth';
import {
  clusterStack, coreAddonIds, dependsOn, importedClusterStack, managedPolicyNames, onlyId, onlyResource, ownClusterStack,
  privateSubnetIds, refId,
} from './fixtures';

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

  test('keeps its logical ids under the cluster: <cluster>/SystemFargateProfile and <cluster>/WorkloadFargateProfile', () => {
    // THEN the profiles are where they always were
    expect(profiles(template).map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(['EksSystemFargateProfile', 'EksWorkloadFargateProfile']);
    expect(cluster.capacity.fargateProfiles!.map((p) => p.node.path)).toEqual(['Test/Eks/SystemFargateProfile', 'Test/Eks/WorkloadFargateProfile']);
  });

  test('CoreDNS waits for both profiles, so its pods have somewhere to run', () => {
    // THEN the coredns add-on depends on each profile
    const coreDns = coreAddonIds(template).CoreDns;
    for (const [id] of profiles(template)) {
      expect(dependsOn(template, coreDns)).toContain(id);
    }
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

  test('every pod execution role, the added profile\'s too, may write to the log group and nothing else, through one customer managed policy', () => {
    // THEN the three profiles' roles carry the write grant on that log group, none inline
    const groupId = Object.keys(template.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: { 'Fn::Join': ['', ['/aws/eks/', Match.anyValue(), '/fargate']] } },
    }))[0];
    const all = profiles(template);
    expect(all).toHaveLength(3);
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy', {
      Properties: { PolicyDocument: { Statement: [{
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [groupId, 'Arn'] },
      }] } },
    })) as any[];
    expect(policy.Properties.Roles).toEqual(all.map(([, p]) => ({ Ref: refId(p.Properties.PodExecutionRoleArn) })));
    for (const [, p] of all) {
      expect(Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: refId(p.Properties.PodExecutionRoleArn) }] } }))).toEqual([]);
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
    // GIVEN a plain eks.Cluster without kubectl, adapted WHEN FargateLogging is added THEN it says what to set
    const { stack, cluster } = ownClusterStack({ nodeModeType: NodeModeType.FARGATE });
    expect(() => new FargateLogging(stack, 'Logs', { cluster })).toThrow(/FargateLogging at 'Test\/Logs'[\s\S]*cluster: .*kubectlProviderOptions/);
  });

  test('FargateLogging refuses props it does not have', () => {
    // WHEN a JavaScript caller passes logging options under another name THEN the nearest real one is named
    const { stack, cluster } = ownClusterStack({ nodeModeType: NodeModeType.FARGATE }, { kubectl: true });
    expect(() => new FargateLogging(stack, 'Logs', { cluster, retention: logs.RetentionDays.ONE_DAY } as any))
      .toThrow(/retention: got 'a value'; is not an option of FargateLogging[\s\S]*its options are logRetention, logEncryptionKey, logRemovalPolicy, cluster/);
  });

  test('logging options without logging are refused', () => {
    // GIVEN logRetention and logRemovalPolicy WHEN logging is off THEN both are named
    expect(() => clusterStack({ nodeMode: NodeMode.fargate({ logRetention: logs.RetentionDays.ONE_DAY, logRemovalPolicy: RemovalPolicy.DESTROY }) }))
      .toThrow(/nodeMode\.logRetention: got 'a value'; configures Fargate logging, which is off[\s\S]*nodeMode\.logRemovalPolicy/);
  });
});

describe('FargateProfile on a bring-your-own cluster', () => {
  test('an aws-eks-v2 cluster of this app: aws-eks-v2\'s profile, chained, in the cluster\'s private subnets, with logging granted by hand', () => {
    // GIVEN a plain eks.Cluster with kubectl, adapted as Fargate, and FargateLogging beside it
    const { stack, network, cluster } = ownClusterStack({ nodeModeType: NodeModeType.FARGATE }, { kubectl: true });
    const logging = new FargateLogging(stack, 'Logs', { cluster });
    // WHEN two profiles are added and the second's role is granted the log group
    new FargateProfile(stack, 'System', { cluster, selectors: [{ namespace: 'kube-system' }] });
    const apps = new FargateProfile(stack, 'Apps', { cluster, selectors: [{ namespace: 'apps' }] });
    logging.grantWrite(apps.podExecutionRole);
    // THEN both are AWS::EKS::FargateProfile under aws-eks-v2's construct, one after the other, in the private subnets
    const template = Template.fromStack(stack);
    const all = profiles(template);
    expect(all.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(['System', 'Apps']);
    expect(all[1][1].DependsOn).toEqual(expect.arrayContaining([all[0][0]]));
    for (const [, p] of all) {
      expect(p.Properties.ClusterName).toEqual({ Ref: onlyId(template, 'AWS::EKS::Cluster') });
      expect(p.Properties.Subnets).toEqual(privateSubnetIds(stack, network));
    }
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: refId(all[1][1].Properties.PodExecutionRoleArn) }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'] })] },
    });
  });

  test('an imported cluster: AWS::EKS::FargateProfile by name, chained one after another, in the cluster\'s private subnets', () => {
    // GIVEN an imported cluster adapted as managed WHEN two profiles are added, one with labels
    const { stack, network, cluster } = importedClusterStack();
    new FargateProfile(stack, 'Jobs', { cluster, selectors: [{ namespace: 'jobs' }], fargateProfileName: 'jobs' });
    new FargateProfile(stack, 'Web', { cluster, selectors: [{ namespace: 'web', labels: { tier: 'front' } }] });
    // THEN both are created against 'theirs', the second after the first, with the selectors as EKS takes them
    const template = Template.fromStack(stack);
    const all = profiles(template);
    expect(all.map(([, p]) => p.Properties.ClusterName)).toEqual(['theirs', 'theirs']);
    expect(all.map(([, p]) => p.Properties.Selectors)).toEqual([
      [{ Namespace: 'jobs' }],
      [{ Namespace: 'web', Labels: [{ Key: 'tier', Value: 'front' }] }],
    ]);
    expect(all[0][1].Properties.FargateProfileName).toBe('jobs');
    expect(all[1][1].DependsOn).toEqual([all[0][0]]);
    for (const [, p] of all) {
      expect(p.Properties.Subnets).toEqual(privateSubnetIds(stack, network));
      const role = template.toJSON().Resources[refId(p.Properties.PodExecutionRoleArn)].Properties;
      expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain(':fargateprofile/theirs/*');
    }
  });

  test('what waits for the imported cluster\'s capacity waits for its profiles', () => {
    // GIVEN an imported cluster with a profile WHEN a resource waits for capacity THEN it depends on the profile
    const { stack, cluster } = importedClusterStack();
    new FargateProfile(stack, 'Jobs', { cluster, selectors: [{ namespace: 'jobs' }] });
    const waiting = new logs.LogGroup(stack, 'Waiting');
    cluster.waitForCapacity(waiting);
    const template = Template.fromStack(stack);
    expect(dependsOn(template, stack.getLogicalId(waiting.node.defaultChild as any))).toContain(onlyId(template, 'AWS::EKS::FargateProfile'));
  });
});

describe('core add-on ordering around Fargate profiles added beside the mode', () => {
  test.each([
    ['addFargateProfile', (c: EksCluster) => c.addFargateProfile('Jobs', { selectors: [{ namespace: 'jobs' }] })],
    ['new FargateProfile', (c: EksCluster) => new FargateProfile(Stack.of(c), 'Jobs', { cluster: c, selectors: [{ namespace: 'jobs' }] })],
  ])('%s on a managed cluster: after vpc-cni, kube-proxy and the Pod Identity agent, before CoreDNS', (_how, add) => {
    // GIVEN a managed EksCluster WHEN a profile is added that way
    const { stack, cluster } = clusterStack();
    const profile = add(cluster);
    // THEN the profile waits for the node-level add-ons and CoreDNS waits for it
    const template = Template.fromStack(stack);
    const addons = coreAddonIds(template);
    const profileId = stack.getLogicalId(profile.node.findChild('Resource').node.defaultChild as any);
    expect(dependsOn(template, profileId)).toEqual(expect.arrayContaining([addons.VpcCni, addons.KubeProxy, addons.PodIdentityAgent]));
    expect(dependsOn(template, addons.CoreDns)).toContain(profileId);
  });
});

describe('FargateProfile validation', () => {
  let cluster: IEksCluster;
  let stack: Stack;
  beforeAll(() => {
    // GIVEN a plain aws-eks-v2 cluster in a CustomerVpc, adapted
    ({ stack, cluster } = ownClusterStack());
  });
  let n = 0;
  const add = (props: Partial<ConstructorParameters<typeof FargateProfile>[2]>) =>
    () => new FargateProfile(stack, `P${n++}`, { cluster, selectors: [{ namespace: 'apps' }], ...props } as any);

  test('more than 5 selectors', () => {
    // WHEN 6 selectors are given THEN the limit is named
    const selectors = ['a', 'b', 'c', 'd', 'e', 'f'].map((namespace) => ({ namespace }));
    expect(add({ selectors })).toThrow(/selectors: got '6 selectors'; a Fargate profile takes 1 to 5 selectors/);
  });

  test('no selector', () => {
    // WHEN the selectors are empty THEN the limit is named
    expect(add({ selectors: [] })).toThrow(/selectors: got '0 selectors'; a Fargate profile takes 1 to 5 selectors/);
  });

  test('a selector without namespace', () => {
    // WHEN a selector has only labels THEN its namespace is required
    expect(add({ selectors: [{ labels: { app: 'x' } } as any] })).toThrow(/selectors\[0\]\.namespace: got undefined; every selector needs a namespace/);
  });

  test('a namespace Kubernetes rejects', () => {
    // WHEN the namespace has upper case THEN the DNS-1123 label rule is named
    expect(add({ selectors: [{ namespace: 'Apps' }] })).toThrow(/selectors\[0\]\.namespace: got 'Apps'; must be a DNS-1123 label/);
  });

  test('more than 5 labels on a selector', () => {
    // WHEN a selector has 6 labels THEN the limit is named
    const labels = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => [k, 'x']));
    expect(add({ selectors: [{ namespace: 'apps', labels }] })).toThrow(/selectors\[0\]\.labels: got .*; a selector takes at most 5 labels/);
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

  test('a profile name with characters EKS rejects', () => {
    // WHEN the name has a dot THEN the naming rule is quoted
    expect(add({ fargateProfileName: 'my.apps' })).toThrow(/fargateProfileName: got 'my\.apps'; must be 1 to 100 characters/);
  });

  test('public subnets', () => {
    // WHEN the profile is put in public subnets THEN Fargate's private-only rule is named
    expect(add({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(/vpcSubnets: got 'public subnets'; Fargate pods must run in private subnets/);
  });

  test('an option of another construct', () => {
    // WHEN a JavaScript caller passes a node group option THEN it is named as unknown
    expect(add({ instanceTypes: [] } as any)).toThrow(/instanceTypes: got 'a value'; is not an option of FargateProfile/);
  });

  test('props of the old API', () => {
    // WHEN a JavaScript caller passes subnets and logging THEN each is named as unknown
    expect(add({ subnets: {}, logging: {} } as any))
      .toThrow(/subnets: got 'a value'; is not an option of FargateProfile \(did you mean 'vpcSubnets'\?\)[\s\S]*logging: got 'a value'; is not an option of FargateProfile/);
  });

  test('a tokenized namespace is not rejected', () => {
    // WHEN the namespace is a token THEN the profile is created with it
    const ns = new CfnParameter(stack, 'Ns').valueAsString;
    const profile = add({ selectors: [{ namespace: ns }] })();
    expect(stack.resolve(profile.podExecutionRole.roleArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/PodExecutionRole/), 'Arn'] });
    expect(onlyResource(Template.fromStack(stack), 'AWS::EKS::FargateProfile', { Properties: { Selectors: [{ Namespace: { Ref: 'Ns' } }] } })).toBeDefined();
  });
});
