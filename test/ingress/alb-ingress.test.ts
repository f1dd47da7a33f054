import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aws, CfnParameter, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { AlbIngress, AlbIngressOptions } from '../../lib/ingress/alb-ingress';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { ImageCache } from '../../lib/network/image-cache';
import { INTERNAL_ELB_TAG, PUBLIC_ELB_TAG } from '../../lib/private/subnets';
import { isolatedVpc } from '../helpers/isolated-vpc';
import { awsSolutionsFindings, Finding, newStack } from '../helpers/synth';

/** A stack with a CustomerVpc, an EksCluster with a kubectl provider, and AlbIngress on it. */
function ingressStack(options: AlbIngressOptions = {}, nodeMode?: NodeMode) {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network');
  const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, nodeMode, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
  const ingress = new AlbIngress(stack, 'Ingress', { ...options, cluster });
  return { stack, network, cluster, ingress };
}

/** An imported cluster with a VPC and a kubectl provider, adapted with EksCluster.fromCluster. */
function importedCluster(stack: Stack, nodeModeType: NodeModeType, attrs: Partial<eks.ClusterAttributes> = {}) {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a', 'b'], privateSubnetIds: ['s-1', 's-2'], publicSubnetIds: ['s-3', 's-4'] });
  const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
    serviceToken: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl',
    role: iam.Role.fromRoleArn(stack, 'KubectlRole', 'arn:aws:iam::111122223333:role/kubectl'),
  });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'prod', vpc, kubectlProvider, clusterSecurityGroupId: 'sg-1', ...attrs });
  return EksCluster.fromCluster(stack, 'Byo', { cluster, nodeModeType, kubernetesVersion: eks.KubernetesVersion.V1_36 });
}

/** The DependsOn of the resource with logical id `id`. */
function dependsOn(template: Template, id: string): string[] {
  return template.toJSON().Resources[id].DependsOn ?? [];
}

/** The one Helm chart custom resource of the template. */
function chartOf(template: Template): any {
  const charts = Object.values(template.findResources('Custom::AWSCDK-EKS-HelmChart'));
  expect(charts).toHaveLength(1);
  return charts[0];
}

/** The chart values, with the tokens (cluster name, region, VPC id, role ARN) left as CloudFormation. */
function chartValues(chart: any): any {
  // Values are a Fn::Join of literal JSON pieces and tokens; replace each token with a marker.
  const joined = chart.Properties.Values;
  if (typeof joined === 'string') {
    return JSON.parse(joined);
  }
  const [, parts] = joined['Fn::Join'];
  const marker = (p: any) => (p.Ref ? `<Ref:${p.Ref}>` : `<GetAtt:${p['Fn::GetAtt'].join('.')}>`);
  return JSON.parse(parts.map((p: any) => (typeof p === 'string' ? p : marker(p))).join(''));
}

/** The policy statements aws-cdk-lib bundles for the controller release. */
function bundledPolicy(version: string): any[] {
  const lib = path.dirname(require.resolve('aws-cdk-lib/package.json'));
  return JSON.parse(fs.readFileSync(path.join(lib, 'aws-eks-v2', 'lib', 'addons', `alb-iam_policy-${version}.json`), 'utf8')).Statement;
}

const asArray = (x: any) => (Array.isArray(x) ? x : [x]);

describe('AlbIngress on managed nodes', () => {
  let stack: Stack;
  let template: Template;
  let ingress: AlbIngress;
  let findings: Finding[];
  beforeAll(() => {
    // GIVEN an EksCluster with a kubectl provider WHEN AlbIngress is added with no options
    ({ stack, ingress } = ingressStack());
    template = Template.fromStack(stack);
    findings = awsSolutionsFindings(stack);
  });

  test('installs the pinned AWS Load Balancer Controller chart from eks-charts into kube-system', () => {
    expect(chartOf(template).Properties).toMatchObject({
      Chart: 'aws-load-balancer-controller',
      Repository: 'https://aws.github.io/eks-charts',
      Version: '3.2.2',
      Release: 'aws-load-balancer-controller',
      Namespace: 'kube-system',
      Wait: true,
    });
    expect(AlbIngress.CONTROLLER_VERSION).toBe('v3.2.2');
    expect(ingress.controllerInstalled).toBe(true);
  });

  test('passes clusterName, region, vpcId and the image tag explicitly, and creates the alb IngressClass', () => {
    const values = chartValues(chartOf(template));
    const vpcId = Object.keys(template.findResources('AWS::EC2::VPC'))[0];
    const clusterId = Object.keys(template.findResources('AWS::EKS::Cluster'))[0];
    expect(values).toMatchObject({
      clusterName: `<Ref:${clusterId}>`,
      region: '<Ref:AWS::Region>',
      vpcId: `<Ref:${vpcId}>`,
      image: { tag: 'v3.2.2' },
      serviceAccount: { create: true, name: 'aws-load-balancer-controller', annotations: {} },
      ingressClass: 'alb',
      createIngressClassResource: true,
      ingressClassParams: { create: true, name: 'alb', spec: {} },
    });
  });

  test('binds the controller role through a Pod Identity association for kube-system/aws-load-balancer-controller', () => {
    const roleId = stack.getLogicalId(ingress.controllerRole!.node.defaultChild as any);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'kube-system',
      ServiceAccount: 'aws-load-balancer-controller',
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    expect(template.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'],
    }]);
    expect(Object.keys(template.findResources('Custom::AWSCDKOpenIdConnectProvider'))).toHaveLength(0);
  });

  test('installs the chart after its permissions exist, and uninstalls it before they go', () => {
    const chartId = Object.keys(template.findResources('Custom::AWSCDK-EKS-HelmChart'))[0];
    expect(dependsOn(template, chartId)).toEqual(expect.arrayContaining([
      stack.getLogicalId(ingress.controllerPolicy!.node.defaultChild as any),
      Object.keys(template.findResources('AWS::EKS::PodIdentityAssociation'))[0],
    ]));
  });

  test('installs the chart after the node group and the Pod Identity Agent; the role, policy and association do not wait for nodes', () => {
    const chartId = Object.keys(template.findResources('Custom::AWSCDK-EKS-HelmChart'))[0];
    const [nodegroupId] = Object.keys(template.findResources('AWS::EKS::Nodegroup'));
    const agentId = Object.keys(template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'eks-pod-identity-agent' } }))[0];
    expect(dependsOn(template, chartId)).toEqual(expect.arrayContaining([nodegroupId, agentId]));
    for (const id of [
      stack.getLogicalId(ingress.controllerRole!.node.defaultChild as any),
      stack.getLogicalId(ingress.controllerPolicy!.node.defaultChild as any),
      Object.keys(template.findResources('AWS::EKS::PodIdentityAssociation'))[0],
    ]) {
      expect(dependsOn(template, id)).not.toContain(nodegroupId);
      expect(dependsOn(template, id)).not.toContain(agentId);
    }
  });

  test("grants exactly the actions of the v3.2.2 policy, statement by statement, in this account's ARNs", () => {
    const policy = Object.values(template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: stack.getLogicalId(ingress.controllerRole!.node.defaultChild as any) }] },
    }))[0] as any;
    const ours = policy.Properties.PolicyDocument.Statement;
    const theirs = bundledPolicy('v3.2.2');
    expect(ours).toHaveLength(theirs.length);
    theirs.forEach((s, i) => {
      expect(asArray(ours[i].Action).sort()).toEqual(asArray(s.Action).sort());
      expect(ours[i].Condition).toEqual(s.Condition);
      // Every ARN pattern is the published one, narrowed to this partition, region and account.
      const narrowed = asArray(s.Resource).map((r: string) => (r === '*' ? '*' : r.replace(/^arn:aws:([a-z0-9-]+):\*:\*:/, 'arn:P:$1:R:A:')));
      const rendered = asArray(ours[i].Resource).map((r: any) => (r === '*' ? '*' : r['Fn::Join'][1]
        .map((p: any) => (typeof p === 'string' ? p : { 'AWS::Partition': 'P', 'AWS::Region': 'R', 'AWS::AccountId': 'A' }[p.Ref as string])).join('')));
      expect(rendered).toEqual(narrowed);
    });
  });

  test('is AwsSolutions clean: each IAM5 finding of the controller policy is acknowledged on it', () => {
    expect(findings.filter((f) => f.path.includes('/Ingress/'))).toEqual([]);
  });
});

test('the IAM5 acknowledgements hold in a stack with a concrete account and region, where cdk-nag writes them literally', () => {
  // GIVEN a stack with an environment, as every cdk deploy has
  const stack = newStack({ env: { account: '111122223333', region: 'eu-west-1' } });
  const network = new CustomerVpc(stack, 'Network');
  const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
  const ingress = new AlbIngress(stack, 'Ingress', { cluster });
  // WHEN cdk-nag runs THEN the controller policy has no unacknowledged finding
  expect(awsSolutionsFindings(stack).filter((f) => f.path.includes('/Ingress/'))).toEqual([]);
  // and the acknowledged ids name this account and region, not <AWS::Region>
  const ids = ingress.controllerPolicy!.node.metadata.flatMap((m) => Object.keys(m.data ?? {}));
  expect(ids).toContain('Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:eu-west-1:111122223333:security-group/*]');
  expect(ids.filter((id) => id.includes('<AWS::Region>') || id.includes('<AWS::AccountId>'))).toEqual([]);
});

describe('AlbIngress on Fargate', () => {
  let stack: Stack;
  let template: Template;
  let ingress: AlbIngress;
  beforeAll(() => {
    // GIVEN a Fargate EksCluster WHEN AlbIngress is added (the node mode comes from the cluster)
    ({ stack, ingress } = ingressStack({}, NodeMode.fargate()));
    template = Template.fromStack(stack);
  });

  test('uses IRSA, since Pod Identity does not work for Fargate pods: no association, a web-identity role for the service account', () => {
    expect(Object.keys(template.findResources('AWS::EKS::PodIdentityAssociation'))).toHaveLength(0);
    const role = template.toJSON().Resources[stack.getLogicalId(ingress.controllerRole!.node.defaultChild as any)];
    const [statement] = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
    // The trusted provider is the native AWS::IAM::OIDCProvider: no custom-resource provider Lambda.
    const providers = Object.keys(template.findResources('AWS::IAM::OIDCProvider'));
    expect(providers).toHaveLength(1);
    expect(statement.Principal.Federated).toEqual({ Ref: providers[0] }); // Ref of an OIDC provider is its ARN
    expect(Object.keys(template.findResources('Custom::AWSCDKOpenIdConnectProvider'))).toEqual([]);
    const conditionsId = statement.Condition.StringEquals['Fn::GetAtt'][0];
    const conditions = JSON.stringify(template.toJSON().Resources[conditionsId].Properties.Value);
    expect(conditions).toContain('system:serviceaccount:kube-system:aws-load-balancer-controller');
    expect(conditions).toContain('sts.amazonaws.com');
  });

  test('annotates the chart-created service account with the role and still passes vpcId and region', () => {
    const values = chartValues(chartOf(template));
    const roleId = stack.getLogicalId(ingress.controllerRole!.node.defaultChild as any);
    expect(values.serviceAccount.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `<GetAtt:${roleId}.Arn>` });
    expect(values.region).toBe('<Ref:AWS::Region>');
    expect(values.vpcId).toMatch(/^<Ref:/);
  });

  test('installs the chart after every Fargate profile, which its pods run on', () => {
    const chartId = Object.keys(template.findResources('Custom::AWSCDK-EKS-HelmChart'))[0];
    const profiles = Object.keys(template.findResources('AWS::EKS::FargateProfile'));
    expect(profiles.length).toBeGreaterThan(0);
    expect(dependsOn(template, chartId)).toEqual(expect.arrayContaining(profiles));
  });

  test('is AwsSolutions clean on the IRSA path too', () => {
    expect(awsSolutionsFindings(stack).filter((f) => f.path.includes('/Ingress/'))).toEqual([]);
  });
});

describe('AlbIngress under Auto Mode', () => {
  let template: Template;
  let ingress: AlbIngress;
  beforeAll(() => {
    // GIVEN an Auto Mode EksCluster WHEN AlbIngress is added (node mode derived from the cluster)
    let stack: Stack;
    ({ stack, ingress } = ingressStack({}, NodeMode.autoMode()));
    template = Template.fromStack(stack);
  });

  test('installs no controller, role or policy', () => {
    expect(ingress.controllerInstalled).toBe(false);
    expect(ingress.nodeModeType).toBe(NodeModeType.AUTO_MODE);
    expect(Object.keys(template.findResources('Custom::AWSCDK-EKS-HelmChart'))).toHaveLength(0);
    expect(Object.keys(template.findResources('AWS::EKS::PodIdentityAssociation'))).toHaveLength(0);
    expect(ingress.controllerRole).toBeUndefined();
  });

  test("adds an alb IngressClass for Auto Mode's built-in load balancing, with its IngressClassParams", () => {
    const manifests = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
      .map((m: any) => m.Properties.Manifest).filter((m: any) => typeof m === 'string' && m.includes('IngressClass'));
    expect(manifests).toHaveLength(1);
    expect(JSON.parse(manifests[0])).toEqual([
      expect.objectContaining({ apiVersion: 'eks.amazonaws.com/v1', kind: 'IngressClassParams', metadata: expect.objectContaining({ name: 'alb' }) }),
      expect.objectContaining({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: expect.objectContaining({ name: 'alb' }),
        spec: { controller: 'eks.amazonaws.com/alb', parameters: { apiGroup: 'eks.amazonaws.com', kind: 'IngressClassParams', name: 'alb' } },
      }),
    ]);
  });
});

describe('how ingress is provided is derived from the node mode', () => {
  const POD_IDENTITY = 'Pod Identity';
  const IRSA = 'IRSA';
  const NONE = 'no controller';
  const expectWiring = (template: Template, wiring: string) => {
    const charts = Object.keys(template.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: 'aws-load-balancer-controller' } }));
    const associations = Object.keys(template.findResources('AWS::EKS::PodIdentityAssociation', { Properties: { ServiceAccount: 'aws-load-balancer-controller' } }));
    const webIdentityRoles = Object.keys(template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRoleWithWebIdentity' })] } },
    }));
    const autoModeClasses = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
      .filter((m: any) => JSON.stringify(m.Properties.Manifest ?? '').includes('eks.amazonaws.com/alb'));
    expect({ charts: charts.length, associations: associations.length, webIdentityRoles: webIdentityRoles.length, autoModeClasses: autoModeClasses.length }).toEqual({
      charts: wiring === NONE ? 0 : 1,
      associations: wiring === POD_IDENTITY ? 1 : 0,
      webIdentityRoles: wiring === IRSA ? 1 : 0,
      autoModeClasses: wiring === NONE ? 1 : 0,
    });
  };

  test.each([
    ['managed', POD_IDENTITY, () => NodeMode.managed()],
    ['self-managed', POD_IDENTITY, () => NodeMode.selfManaged()],
    ['fargate', IRSA, () => NodeMode.fargate()],
    ['auto-mode', NONE, () => NodeMode.autoMode()],
  ])('on an EksCluster with %s capacity: %s', (_, wiring, nodeMode) => {
    // GIVEN an EksCluster of the mode WHEN AlbIngress is added THEN the mode's wiring is there
    const { stack } = ingressStack({}, nodeMode());
    expectWiring(Template.fromStack(stack), wiring);
  });

  test.each([
    [NodeModeType.MANAGED, POD_IDENTITY],
    [NodeModeType.SELF_MANAGED, POD_IDENTITY],
    [NodeModeType.FARGATE, IRSA],
    [NodeModeType.AUTO_MODE, NONE],
  ])('on an imported cluster stated to run on %s capacity: %s', (type, wiring) => {
    // GIVEN an imported cluster with its OIDC provider, adapted with EksCluster.fromCluster
    const stack = newStack();
    const openIdConnectProvider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc',
      'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a', 'b'], privateSubnetIds: ['s-1', 's-2'] });
    const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
      serviceToken: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl',
      role: iam.Role.fromRoleArn(stack, 'KubectlRole', 'arn:aws:iam::111122223333:role/kubectl'),
    });
    const imported = eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'prod', vpc, kubectlProvider, openIdConnectProvider, clusterSecurityGroupId: 'sg-1' });
    const nodeSecurityGroups = [imported.clusterSecurityGroup, ec2.SecurityGroup.fromSecurityGroupId(stack, 'NodeSg', 'sg-2')];
    const cluster = EksCluster.fromCluster(stack, 'Byo', { cluster: imported, nodeModeType: type, nodeSecurityGroups, kubernetesVersion: eks.KubernetesVersion.V1_36 });
    // WHEN AlbIngress is added
    new AlbIngress(stack, 'Ingress', { cluster });
    // THEN the mode's wiring is there, on the imported cluster, trusting its own OIDC provider under IRSA
    const template = Template.fromStack(stack);
    expectWiring(template, wiring);
    if (wiring === IRSA) {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: openIdConnectProvider.openIdConnectProviderArn } })] },
      });
    }
    if (wiring !== NONE) {
      expect(chartOf(template).Properties.ClusterName).toBe('prod');
      expect(chartValues(chartOf(template)).vpcId).toBe('vpc-1');
    }
  });

  test('on an aws-eks-v2 cluster of this app: Pod Identity, the chart after the stated node group', () => {
    // GIVEN a user-owned eks.Cluster with a kubectl provider and a node group stated as its capacity
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const owned = new eks.Cluster(stack, 'Owned', {
      vpc: network.vpc,
      version: eks.KubernetesVersion.V1_36,
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      kubectlProviderOptions: { kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') },
    });
    const nodegroup = owned.addNodegroupCapacity('Nodes', { minSize: 1 });
    const cluster = EksCluster.fromCluster(stack, 'Byo', { cluster: owned, nodeModeType: NodeModeType.MANAGED, capacity: [nodegroup] });
    // WHEN AlbIngress is added
    const ingress = new AlbIngress(stack, 'Ingress', { cluster });
    // THEN the controller uses Pod Identity, and only its chart waits for the node group
    const template = Template.fromStack(stack);
    expectWiring(template, POD_IDENTITY);
    const ngId = stack.getLogicalId(nodegroup.node.defaultChild as eks.CfnNodegroup);
    const chartId = Object.keys(template.findResources('Custom::AWSCDK-EKS-HelmChart'))[0];
    expect(dependsOn(template, chartId)).toContain(ngId);
    expect(dependsOn(template, stack.getLogicalId(ingress.controllerRole!.node.defaultChild as any))).not.toContain(ngId);
  });

  test.each([
    ['self-managed', () => NodeMode.selfManaged(), 'AWS::AutoScaling::AutoScalingGroup'],
    ['managed', () => NodeMode.managed(), 'AWS::EKS::Nodegroup'],
  ])('on an EksCluster with %s nodes, the chart waits for them and the policy does not', (_, nodeMode, type) => {
    // GIVEN an EksCluster with nodes WHEN AlbIngress is added
    const { stack, ingress } = ingressStack({}, nodeMode());
    const template = Template.fromStack(stack);
    // THEN the chart depends on the nodes, the controller policy does not
    const [nodesId] = Object.keys(template.findResources(type));
    const chartId = Object.keys(template.findResources('Custom::AWSCDK-EKS-HelmChart'))[0];
    expect(dependsOn(template, chartId)).toContain(nodesId);
    expect(dependsOn(template, stack.getLogicalId(ingress.controllerPolicy!.node.defaultChild as any))).not.toContain(nodesId);
  });
});

describe('AlbIngress scheme and class name', () => {
  test('puts a forced scheme and a custom class name into the chart values', () => {
    // GIVEN AlbIngress with an internet-facing scheme and class name 'public'
    const { stack } = ingressStack({ scheme: eks.AlbScheme.INTERNET_FACING, ingressClassName: 'public' });
    const values = chartValues(chartOf(Template.fromStack(stack)));
    // THEN the class and its params carry them
    expect(values).toMatchObject({ ingressClass: 'public', ingressClassParams: { create: true, name: 'public', spec: { scheme: 'internet-facing' } } });
  });

  test('EksCluster.addIngress installs the same controller', () => {
    // GIVEN an EksCluster with a kubectl provider WHEN ingress is added through it
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    const ingress = cluster.addIngress('Ingress', { ingressClassName: 'web' });
    // THEN the chart is there with the class name, under the cluster
    expect(chartValues(chartOf(Template.fromStack(stack)))).toMatchObject({ ingressClass: 'web' });
    expect(ingress.node.path).toBe('Test/Cluster/Ingress');
  });
});

describe('the kubectl provider is there only when needed', () => {
  test('a cluster with core add-ons, no ingress and no manifests has no kubectl Lambda at all', () => {
    // GIVEN an EksCluster (with its CoreAddons) without kubectlLayer WHEN synthesized
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc });
    const template = Template.fromStack(stack);
    // THEN the only Lambda is the VPC's restrict-default-security-group handler
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toEqual([expect.stringMatching(/^CustomVpcRestrictDefaultSG/)]);
    expect(Object.keys(template.findResources('AWS::Lambda::LayerVersion'))).toHaveLength(0);
    expect(cluster.kubectlProvider).toBeUndefined();
  });

  test('with ingress, the kubectl provider brings its Lambda functions', () => {
    const { stack } = ingressStack();
    const functions = Object.keys(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(1);
  });
});

describe('AlbIngress bad input', () => {
  test('names the kubectlLayer prop when the cluster has no kubectl provider', () => {
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc });
    expect(() => new AlbIngress(stack, 'Ingress', { cluster })).toThrow(
      /AlbIngress at 'Test\/Ingress' has invalid props:\n {2}- cluster: got 'a cluster without a kubectl provider'; the AWS Load Balancer Controller \(a Helm chart\) needs it[^\n]*set EksCluster's `kubectlLayer`/);
  });

  test('rejects the controller under Auto Mode', () => {
    expect(() => ingressStack({ loadBalancerController: true }, NodeMode.autoMode())).toThrow(
      /loadBalancerController: got true; EKS Auto Mode provisions load balancers itself/);
  });

  test('rejects turning the controller off outside Auto Mode', () => {
    expect(() => ingressStack({ loadBalancerController: false })).toThrow(/loadBalancerController: got false; without the controller/);
  });

  test('rejects an IngressClass name that is not a DNS label', () => {
    expect(() => ingressStack({ ingressClassName: 'My_Class' })).toThrow(/ingressClassName: got 'My_Class'; must be a DNS-1123 label/);
  });

  test('rejects an IngressClass name longer than 63 characters', () => {
    expect(() => ingressStack({ ingressClassName: 'a'.repeat(64) })).toThrow(/ingressClassName: got 'a{64}'; must be a DNS-1123 label: at most 63 characters/);
  });

  test('rejects a VPC with no subnet tagged for load balancers, at synth', () => {
    // GIVEN the CustomerVpc's load balancer tags removed again
    const { stack, network } = ingressStack();
    Tags.of(network.vpc).remove(PUBLIC_ELB_TAG);
    Tags.of(network.vpc).remove(INTERNAL_ELB_TAG);
    // WHEN synthesized THEN the error names the tags
    expect(() => (stack.node.root as App).synth()).toThrow(/AlbIngress at 'Test\/Ingress' has invalid props:\n {2}- cluster: got 'VPC Test\/Network\/Vpc with no subnet tagged for load balancers'; tag public subnets 'kubernetes.io\/role\/elb=1'/);
  });

  test('names the missing OIDC provider of an imported cluster on Fargate', () => {
    // GIVEN an imported Fargate cluster with a kubectl provider but no OIDC provider
    const stack = newStack();
    const cluster = importedCluster(stack, NodeModeType.FARGATE);
    // WHEN AlbIngress is added THEN the missing attribute is named
    expect(() => new AlbIngress(stack, 'Ingress', { cluster })).toThrow(
      /- cluster: got 'Test\/Imported'; the AWS Load Balancer Controller on Fargate uses IRSA[^\n]*needs its `openIdConnectProvider`/);
  });

  test('rejects an unknown option, such as the removed nodeModeType', () => {
    // GIVEN an EksCluster WHEN AlbIngress gets the nodeModeType the cluster now states THEN it is refused
    const stack = newStack();
    const cluster = importedCluster(stack, NodeModeType.MANAGED);
    const props = { cluster, nodeModeType: NodeModeType.MANAGED };
    expect(() => new AlbIngress(stack, 'Ingress', props)).toThrow(/nodeModeType: got 'a value'; is not an option of AlbIngress; its options are cluster, loadBalancerController, ingressClassName, scheme/);
  });

  test('names the nearest option of a misspelt one', () => {
    expect(() => ingressStack({ ingresClassName: 'web' } as AlbIngressOptions)).toThrow(/ingresClassName: got 'a value'; is not an option of AlbIngress \(did you mean 'ingressClassName'\?\)/);
  });

  test('passes an imported VPC, whose tags cannot be read, and a token class name', () => {
    // GIVEN an imported cluster with an imported VPC and a kubectl provider, and a class name from a parameter
    const stack = newStack();
    const cluster = importedCluster(stack, NodeModeType.MANAGED);
    const name = new CfnParameter(stack, 'ClassName').valueAsString;
    new AlbIngress(stack, 'Ingress', { cluster, ingressClassName: name });
    // THEN it synthesizes, with the chart on the imported cluster and the class name passed through
    const chart = chartOf(Template.fromStack(stack));
    expect(chart.Properties.ClusterName).toBe('prod');
    expect(JSON.stringify(chart.Properties.Values)).toContain('"Ref":"ClassName"');
  });
});

describe('AlbIngress with no internet path', () => {
  /** A private-cluster CustomerVpc (isolated subnets, endpoints), an EksCluster, an ImageCache and AlbIngress on them. */
  function privateIngressStack(options: AlbIngressOptions = {}, nodeMode?: NodeMode) {
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network', { privateCluster: true });
    const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, nodeMode, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    const ingress = new AlbIngress(stack, 'Ingress', { ...options, cluster });
    return { stack, network, cluster, ingress };
  }
  const PRIVATE_CHART = 'oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/charts/aws-load-balancer-controller';
  const imageCacheIn = (stack: Stack) => new ImageCache(stack, 'ImageCache');

  test('takes the chart from private ECR, pulls the image through the cache, and turns off Shield and WAF', () => {
    // GIVEN a private cluster WHEN AlbIngress gets a private ECR chart and the image cache
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network', { privateCluster: true });
    const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    new AlbIngress(stack, 'Ingress', { cluster, chartRepository: PRIVATE_CHART, imageCache: imageCacheIn(stack) });
    // THEN the chart is pulled by its OCI reference at the pinned version
    const chart = chartOf(Template.fromStack(stack));
    expect(chart.Properties).toMatchObject({ Chart: 'aws-load-balancer-controller', Repository: PRIVATE_CHART, Version: AlbIngress.CHART_VERSION });
    // AND the controller image is the cached copy of the ECR Public image, at the pinned tag
    const values = chartValues(chart);
    expect(values.image).toEqual({
      repository: '<Ref:AWS::AccountId>.dkr.ecr.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>/ecr-public/eks/aws-load-balancer-controller',
      tag: AlbIngress.CONTROLLER_VERSION,
    });
    expect(JSON.stringify(values)).not.toContain('public.ecr.aws');
    // AND the integrations with no VPC endpoint are off
    expect(values).toMatchObject({ enableShield: false, enableWaf: false, enableWafv2: false });
  });

  test('takes the chart as a CDK asset: read from S3, no repository or version', () => {
    // GIVEN an unpacked chart directory shipped as an asset
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network', { privateCluster: true });
    const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    const chartAsset = new s3_assets.Asset(stack, 'ControllerChart', { path: fs.mkdtempSync(path.join(os.tmpdir(), 'chart-')) });
    new AlbIngress(stack, 'Ingress', { cluster, chartAsset, imageCache: imageCacheIn(stack) });
    // THEN the chart custom resource points at the asset and names no repository
    const chart = chartOf(Template.fromStack(stack));
    expect(chart.Properties.ChartAssetURL).toEqual({ 'Fn::Sub': expect.stringMatching(/^s3:\/\/cdk-[a-z0-9]+-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}\/[0-9a-f]{64}\.zip$/) });
    expect(chart.Properties.Repository).toBeUndefined();
    expect(chart.Properties.Version).toBeUndefined();
  });

  test('a public chart repository is refused with the ways out; a private ECR one and a token pass', () => {
    // GIVEN a private cluster WHEN the default (public) chart repository is left in place THEN it is refused
    expect(() => privateIngressStack({})).toThrow(new RegExp(
      "AlbIngress at 'Test/Ingress' has invalid props:[\\s\\S]*chartRepository: got 'https://aws.github.io/eks-charts'; the VPC has isolated subnets only[^\\n]*" +
      "set chartRepository: 'oci://<account>.dkr.ecr.<region>.amazonaws.com/<path>/aws-load-balancer-controller', or pass the chart as chartAsset, or use Auto Mode"));
    expect(() => privateIngressStack({ chartRepository: 'oci://public.ecr.aws/eks/aws-load-balancer-controller' })).toThrow(/chartRepository: got 'oci:\/\/public.ecr.aws[^']*'; the VPC has isolated subnets only/);
    // AND a private ECR reference, or one written with tokens, passes that check
    const withCache = (chartRepository: string) => {
      const stack = newStack();
      const network = new CustomerVpc(stack, 'Network', { privateCluster: true });
      const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
      return () => new AlbIngress(stack, 'Ingress', { cluster, chartRepository, imageCache: imageCacheIn(stack) });
    };
    expect(withCache(PRIVATE_CHART)).not.toThrow();
    expect(withCache(`oci://${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/charts/aws-load-balancer-controller`)).not.toThrow();
  });

  test('the public controller image is refused without an image cache', () => {
    expect(() => privateIngressStack({ chartRepository: PRIVATE_CHART })).toThrow(
      /imageCache: got undefined; the VPC has isolated subnets only, so nodes cannot pull the controller image from ECR Public \(public.ecr.aws\/eks\/aws-load-balancer-controller\); pass imageCache/);
  });

  test('a VPC with egress keeps the public chart and image', () => {
    // GIVEN the default VPC (NAT gateways) THEN the eks-charts repository and the ECR Public image are fine
    const { stack } = ingressStack();
    const chart = chartOf(Template.fromStack(stack));
    expect(chart.Properties.Repository).toBe('https://aws.github.io/eks-charts');
    expect(chartValues(chart).image).toEqual({ tag: AlbIngress.CONTROLLER_VERSION });
    expect(chartValues(chart).enableShield).toBeUndefined();
  });

  test('under Auto Mode no chart or image is needed, and none may be given', () => {
    // GIVEN a private cluster under Auto Mode WHEN AlbIngress is added with no chart source THEN it synthesizes, with no chart
    const { stack } = privateIngressStack({}, NodeMode.autoMode());
    Template.fromStack(stack).resourceCountIs('Custom::AWSCDK-EKS-HelmChart', 0);
    // AND a chart source is refused as unused
    expect(() => privateIngressStack({ chartRepository: PRIVATE_CHART }, NodeMode.autoMode()))
      .toThrow(/chartRepository: got 'a value'; no controller is installed under Auto Mode/);
  });

  test('chartAsset and chartRepository together, and a repository that is neither https nor oci', () => {
    const stack = newStack();
    const asset = new s3_assets.Asset(stack, 'ControllerChart', { path: fs.mkdtempSync(path.join(os.tmpdir(), 'chart-')) });
    const network = new CustomerVpc(stack, 'Network');
    const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    expect(() => new AlbIngress(stack, 'Both', { cluster, chartAsset: asset, chartRepository: PRIVATE_CHART }))
      .toThrow(/chartRepository: got 'oci:[^']*'; cannot be combined with chartAsset/);
    expect(() => new AlbIngress(stack, 'Ftp', { cluster, chartRepository: 'ftp://charts.example.com' }))
      .toThrow(/chartRepository: got 'ftp:\/\/charts.example.com'; must be an https:\/\/ Helm repository or an oci:\/\/ chart reference/);
  });

  test('an internet-facing scheme on a VPC with no public subnets is refused; internal passes', () => {
    expect(() => privateIngressStack({ scheme: eks.AlbScheme.INTERNET_FACING }, NodeMode.autoMode()))
      .toThrow(/scheme: got 'internet-facing'; the VPC Test\/Network\/Vpc has no public subnets for an internet-facing load balancer; use AlbScheme.INTERNAL/);
    expect(() => privateIngressStack({ scheme: eks.AlbScheme.INTERNAL }, NodeMode.autoMode())).not.toThrow();
    // AND with public subnets, internet-facing is fine
    expect(() => ingressStack({ scheme: eks.AlbScheme.INTERNET_FACING })).not.toThrow();
  });

  test('a bring-your-own isolated VPC without the elasticloadbalancing endpoint fails at synth, naming it', () => {
    // GIVEN an isolated VPC of this app with every endpoint but Elastic Load Balancing
    const build = (withElb: boolean) => {
      const stack = newStack();
      const vpc = isolatedVpc(stack, 'Byo', withElb ? [] : ['elasticloadbalancing']);
      const cluster = new EksCluster(stack, 'Cluster', { vpc, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
      new AlbIngress(stack, 'Ingress', { cluster, chartRepository: PRIVATE_CHART, imageCache: imageCacheIn(stack) });
      return () => Template.fromStack(stack);
    };
    // WHEN synthesized THEN the missing endpoint is named with its caller
    expect(build(false)).toThrow(/AlbIngress at 'Test\/Ingress' has invalid props:\s+- cluster: got 'VPC Test\/Byo with isolated subnets only and no 'elasticloadbalancing' endpoint'; the AWS Load Balancer Controller[^\n]*calls elasticloadbalancing \(the AWS Load Balancer Controller\)/);
    // AND with it, the same stack synthesizes
    expect(build(true)).not.toThrow();
  });
});
