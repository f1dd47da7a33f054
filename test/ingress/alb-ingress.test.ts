import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { NodeMode, NodeModeType } from '../../lib/compute/node-mode';
import { AlbIngress, AlbIngressProps } from '../../lib/ingress/alb-ingress';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { INTERNAL_ELB_TAG, PUBLIC_ELB_TAG } from '../../lib/private/subnets';
import { awsSolutionsFindings, Finding, newStack } from '../helpers/synth';

/** A stack with a CustomerVpc, an EksCluster with a kubectl provider, and AlbIngress on it. */
function ingressStack(props: Partial<AlbIngressProps> = {}, nodeMode?: NodeMode) {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network');
  const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, nodeMode, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
  const ingress = new AlbIngress(stack, 'Ingress', { cluster: cluster.cluster, ...props });
  return { stack, network, cluster, ingress };
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
    const deps = template.toJSON().Resources[chartId].DependsOn;
    expect(deps).toEqual(expect.arrayContaining([
      stack.getLogicalId(ingress.controllerPolicy!.node.defaultChild as any),
      Object.keys(template.findResources('AWS::EKS::PodIdentityAssociation'))[0],
    ]));
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

describe('AlbIngress on Fargate', () => {
  let stack: Stack;
  let template: Template;
  let ingress: AlbIngress;
  beforeAll(() => {
    // GIVEN a Fargate EksCluster WHEN AlbIngress is added
    ({ stack, ingress } = ingressStack({ nodeModeType: NodeModeType.FARGATE }, NodeMode.fargate()));
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

describe('AlbIngress scheme and class name', () => {
  test('puts a forced scheme and a custom class name into the chart values', () => {
    // GIVEN AlbIngress with an internet-facing scheme and class name 'public'
    const { stack } = ingressStack({ scheme: eks.AlbScheme.INTERNET_FACING, ingressClassName: 'public' });
    const values = chartValues(chartOf(Template.fromStack(stack)));
    // THEN the class and its params carry them
    expect(values).toMatchObject({ ingressClass: 'public', ingressClassParams: { create: true, name: 'public', spec: { scheme: 'internet-facing' } } });
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
    expect(cluster.cluster.kubectlProvider).toBeUndefined();
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
    expect(() => new AlbIngress(stack, 'Ingress', { cluster: cluster.cluster })).toThrow(
      /AlbIngress at 'Test\/Ingress' has invalid props:\n {2}- cluster: got 'Test\/Cluster\/Cluster'; the cluster has no kubectl provider[^\n]*set EksCluster's `kubectlLayer`/);
  });

  test('rejects the controller under Auto Mode', () => {
    expect(() => ingressStack({ loadBalancerController: true }, NodeMode.autoMode())).toThrow(
      /loadBalancerController: got true; EKS Auto Mode provisions load balancers itself/);
  });

  test('rejects turning the controller off outside Auto Mode', () => {
    expect(() => ingressStack({ loadBalancerController: false })).toThrow(/loadBalancerController: got false; without the controller/);
  });

  test('rejects an IngressClass name that is not a DNS label', () => {
    expect(() => ingressStack({ ingressClassName: 'My_Class' })).toThrow(/ingressClassName: got 'My_Class'; must be a DNS label/);
  });

  test('rejects a VPC with no subnet tagged for load balancers, at synth', () => {
    // GIVEN the CustomerVpc's load balancer tags removed again
    const { stack, network } = ingressStack();
    Tags.of(network.vpc).remove(PUBLIC_ELB_TAG);
    Tags.of(network.vpc).remove(INTERNAL_ELB_TAG);
    // WHEN synthesized THEN the error names the tags
    expect(() => (stack.node.root as App).synth()).toThrow(/AlbIngress at 'Test\/Ingress' has invalid props:\n {2}- cluster: got 'VPC Test\/Network\/Vpc with no subnet tagged for load balancers'; tag public subnets 'kubernetes.io\/role\/elb=1'/);
  });

  test('names the missing vpc and OIDC provider of an imported cluster on Fargate', () => {
    // GIVEN an imported cluster with a kubectl provider but neither vpc nor OIDC provider
    const stack = newStack();
    const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl' });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'prod', kubectlProvider });
    // WHEN AlbIngress is added for Fargate THEN both are named in one error
    expect(() => new AlbIngress(stack, 'Ingress', { cluster, nodeModeType: NodeModeType.FARGATE })).toThrow(
      /- cluster: got 'Test\/Imported'; an imported cluster needs its `vpc`[^\n]*\n {2}- cluster: got 'Test\/Imported'; on Fargate the controller uses IRSA/);
  });

  test('passes an imported VPC, whose tags cannot be read, and a token class name', () => {
    // GIVEN an imported cluster with an imported VPC and a kubectl provider
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a', 'b'], publicSubnetIds: ['s-1', 's-2'] });
    const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
      serviceToken: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl',
      role: iam.Role.fromRoleArn(stack, 'KubectlRole', 'arn:aws:iam::111122223333:role/kubectl'),
    });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'prod', vpc, kubectlProvider });
    const name = new CfnParameter(stack, 'ClassName').valueAsString;
    new AlbIngress(stack, 'Ingress', { cluster, ingressClassName: name });
    // THEN it synthesizes, with the chart on the imported cluster
    expect(chartOf(Template.fromStack(stack)).Properties.ClusterName).toBe('prod');
  });
});

describe('the recommended wiring with EksCluster and its CoreAddons', () => {
  for (const mode of [NodeMode.managed(), NodeMode.selfManaged(), NodeMode.fargate(), NodeMode.autoMode()]) {
    test(`synthesizes without a dependency cycle on ${mode.type} capacity, with ingress after the add-ons`, () => {
      // GIVEN an EksCluster (its CoreAddons ordered around its capacity) and AlbIngress after the add-ons
      const stack = newStack();
      const network = new CustomerVpc(stack, 'Network');
      const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, nodeMode: mode, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
      const addons = cluster.coreAddons;
      const ingress = new AlbIngress(stack, 'Ingress', { cluster: cluster.cluster, nodeModeType: cluster.nodeModeType });
      ingress.node.addDependency(addons);
      // WHEN synthesized THEN the ingress's Kubernetes resource waits for the metrics server (the last add-on)
      const template = Template.fromStack(stack);
      const type = mode.type === NodeModeType.AUTO_MODE ? 'Custom::AWSCDK-EKS-KubernetesResource' : 'Custom::AWSCDK-EKS-HelmChart';
      const ingressResources = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith('Ingress'));
      expect(ingressResources).toHaveLength(1);
      expect((ingressResources[0][1] as any).DependsOn).toEqual(expect.arrayContaining([stack.getLogicalId(addons.metricsServer!)]));
    });
  }
});
