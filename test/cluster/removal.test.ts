/**
 * The removal model (docs/LIFECYCLE.md): a retained cluster keeps what it needs to run, the
 * network keeps its subnets and egress, and legal but risky lifecycle choices warn by a stable id.
 */
import { Annotations as CoreAnnotations, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { NodeMode } from '../../lib/compute/node-mode';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { EbsCsiStorage } from '../../lib/storage/ebs-csi-storage';
import { EfsCsiStorage } from '../../lib/storage/efs-csi-storage';
import { newStack } from '../helpers/synth';
import { retainedUsingDeleted } from '../helpers/template-graph';

const ADMIN = 'arn:aws:iam::111122223333:role/PlatformAdmin';

function platform(removalPolicy?: RemovalPolicy, nodeMode?: NodeMode): { stack: Stack; template: Template } {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network', { removalPolicy });
  new EksCluster(stack, 'Cluster', { vpc: network.vpc, removalPolicy, nodeMode, clusterAdminPrincipalArns: [ADMIN] });
  return { stack, template: Template.fromStack(stack) };
}

const policiesOf = (template: Template, type: string, props: object = {}) =>
  Object.values(template.findResources(type, props)).map((r: any) => r.DeletionPolicy ?? 'Delete');

describe('with the defaults (RETAIN), what the cluster needs is kept with it', () => {
  const { template } = platform();

  test.each([
    ['AWS::EKS::Cluster'],
    ['AWS::EC2::VPC'],
    ['AWS::EC2::Subnet'],
    ['AWS::EC2::RouteTable'],
    ['AWS::EC2::Route'],
    ['AWS::EC2::NatGateway'],
    ['AWS::EC2::EIP'],
    ['AWS::EC2::InternetGateway'],
    ['AWS::EC2::VPCGatewayAttachment'],
  ])('%s is retained', (type) => {
    const policies = policiesOf(template, type);
    expect(policies.length).toBeGreaterThanOrEqual(1);
    expect(new Set(policies)).toEqual(new Set(['Retain']));
  });

  test('the cluster role, the control-plane security group and the admins\' access entries are retained', () => {
    expect(policiesOf(template, 'AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'eks.amazonaws.com' } })] }) } })).toEqual(['Retain']);
    expect(policiesOf(template, 'AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'EKS Control Plane Security Group' } })).toEqual(['Retain']);
    expect(policiesOf(template, 'AWS::EKS::AccessEntry', { Properties: { PrincipalArn: ADMIN } })).toEqual(['Retain']);
  });

  test('the flow log, its role and the default security group restriction are deleted (they serve the stack)', () => {
    expect(policiesOf(template, 'AWS::EC2::FlowLog')).toEqual(['Delete']);
    expect(policiesOf(template, 'Custom::VpcRestrictDefaultSG')).toEqual(['Delete']);
  });

  test('no retained resource uses a deleted one', () => {
    expect(retainedUsingDeleted(template.toJSON())).toEqual([]);
  });

  test('the Auto Mode node role, which the cluster names, is retained with it', () => {
    const auto = platform(undefined, NodeMode.autoMode()).template;
    expect(policiesOf(auto, 'AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('Auto Mode node pools') } })).toEqual(['Retain']);
    expect(retainedUsingDeleted(auto.toJSON())).toEqual([]);
  });

  test('no DESTROY warning', () => {
    const { stack } = platform();
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('removal-policy-destroy'));
  });
});

describe('with RemovalPolicy.DESTROY everything goes, with a warning per stateful construct', () => {
  const { stack, template } = platform(RemovalPolicy.DESTROY);

  test('no resource is retained', () => {
    const retained = Object.entries(template.toJSON().Resources).filter(([, r]: [string, any]) => r.DeletionPolicy === 'Retain');
    expect(retained.map(([id]) => id)).toEqual([]);
  });

  test('EksCluster and CustomerVpc each warn, by a stable id', () => {
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('removalPolicy is DESTROY'));
    expect(warnings.map((w) => w.id).sort()).toEqual(['/Test/Cluster', '/Test/Network']);
    expect(warnings.every((w) => String(w.entry.data).includes('[ack: cdk-eks-architecture:removal-policy-destroy]'))).toBe(true);
  });

  test('storage warns too', () => {
    const s = newStack();
    const network = new CustomerVpc(s, 'Network');
    const cluster = new EksCluster(s, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(s, 'Kubectl') });
    new EbsCsiStorage(s, 'Ebs', { cluster, removalPolicy: RemovalPolicy.DESTROY });
    new EfsCsiStorage(s, 'Efs', { cluster, removalPolicy: RemovalPolicy.DESTROY });
    // One EFS driver per cluster: the kept file system belongs to a second cluster.
    const other = new EksCluster(s, 'Other', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(s, 'OtherKubectl') });
    new EfsCsiStorage(s, 'Kept', { cluster: other });
    const warnings = Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('removalPolicy is DESTROY'));
    expect(warnings.map((w) => w.id).sort()).toEqual(['/Test/Ebs', '/Test/Efs']);
  });

  test('a warning is acknowledged by its id', () => {
    const s = newStack();
    const network = new CustomerVpc(s, 'Network', { removalPolicy: RemovalPolicy.DESTROY });
    CoreAnnotations.of(network).acknowledgeWarning('cdk-eks-architecture:removal-policy-destroy', 'throw-away dev stack');
    Annotations.fromStack(s).hasNoWarning('*', Match.stringLikeRegexp('removalPolicy is DESTROY'));
  });
});

describe('explicit physical names of capacity warn (a replacement fails with AlreadyExists)', () => {
  const stackWith = () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1 });
    const cluster = new EksCluster(stack, 'Cluster', { vpc, removalPolicy: RemovalPolicy.DESTROY });
    return { stack, cluster };
  };

  test('nodegroupName warns; unset does not', () => {
    const { stack, cluster } = stackWith();
    cluster.addManagedNodeGroup('Named', { nodegroupName: 'batch' });
    cluster.addManagedNodeGroup('Unnamed');
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('nodegroupName is set'));
    expect(warnings.map((w) => w.id)).toEqual(['/Test/Cluster/Named']);
    expect(String(warnings[0].entry.data)).toMatch(/'batch'.*AlreadyExists.*\[ack: cdk-eks-architecture:explicit-nodegroup-name\]/);
  });

  test('fargateProfileName warns; unset does not', () => {
    const { stack, cluster } = stackWith();
    cluster.addFargateProfile('Named', { selectors: [{ namespace: 'jobs' }], fargateProfileName: 'jobs' });
    cluster.addFargateProfile('Unnamed', { selectors: [{ namespace: 'batch' }] });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('fargateProfileName is set'));
    expect(warnings.map((w) => w.id)).toEqual(['/Test/Cluster/Named']);
    expect(String(warnings[0].entry.data)).toMatch(/\[ack: cdk-eks-architecture:explicit-fargate-profile-name\]/);
  });
});
