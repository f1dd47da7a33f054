import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct } from 'constructs';
import {
  AlbIngress, ClusterIdentity, CoreAddons, CustomerVpc, EbsCsiStorage, EfsCsiStorage, EksCluster, FargateLogging, FargateProfile,
  FsxLustreCsiStorage, ManagedNodeGroup, SelfManagedNodes, WorkloadRole,
} from '../../lib';
import { newStack } from '../helpers/synth';

/**
 * Every capability takes the cluster handle. An aws-eks-v2 cluster passed as is (the 0.1 API, or a
 * plain-JavaScript caller) is refused at once with the way out, instead of crashing on a missing
 * fact or, worse, building the wrong thing (a Pod Identity role on a Fargate cluster).
 */
const CAPABILITIES: Array<[string, (stack: Stack, cluster: any) => IConstruct]> = [
  ['WorkloadRole', (s, c) => new WorkloadRole(s, 'Capability', { cluster: c, namespace: 'app', serviceAccount: 'app' })],
  ['AlbIngress', (s, c) => new AlbIngress(s, 'Capability', { cluster: c })],
  ['CoreAddons', (s, c) => new CoreAddons(s, 'Capability', { cluster: c })],
  ['ManagedNodeGroup', (s, c) => new ManagedNodeGroup(s, 'Capability', { cluster: c })],
  ['SelfManagedNodes', (s, c) => new SelfManagedNodes(s, 'Capability', { cluster: c })],
  ['FargateProfile', (s, c) => new FargateProfile(s, 'Capability', { cluster: c, selectors: [{ namespace: 'app' }] })],
  ['FargateLogging', (s, c) => new FargateLogging(s, 'Capability', { cluster: c })],
  ['EbsCsiStorage', (s, c) => new EbsCsiStorage(s, 'Capability', { cluster: c })],
  ['EfsCsiStorage', (s, c) => new EfsCsiStorage(s, 'Capability', { cluster: c })],
  ['FsxLustreCsiStorage', (s, c) => new FsxLustreCsiStorage(s, 'Capability', { cluster: c, addonVersion: 'v1.8.0-eksbuild.1' })],
  ['ClusterIdentity', (s, c) => new ClusterIdentity(s, 'Capability', { cluster: c, platformName: 'platform' })],
];

describe.each(CAPABILITIES)('%s', (name, build) => {
  test('refuses an aws-eks-v2 cluster passed where the handle belongs, naming EksCluster.fromCluster', () => {
    // GIVEN an aws-eks-v2 cluster (the one inside an EksCluster)
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    const eksCluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubectlLayer: new KubectlV36Layer(stack, 'Kubectl') });
    expect(eksCluster.cluster).toBeInstanceOf(eks.Cluster);
    // THEN the capability refuses it
    expect(() => build(stack, eksCluster.cluster)).toThrow(new RegExp(
      `^${name} at 'Test/Capability' has invalid props:\\n {2}- cluster: got 'Test/Cluster/Cluster'; must be an EksCluster, or an aws-eks-v2 cluster adapted with EksCluster.fromCluster`));
  });

  test('refuses a missing cluster', () => {
    expect(() => build(newStack(), undefined)).toThrow(new RegExp(`^${name} at 'Test/Capability' has invalid props:\\n {2}- cluster: got undefined; must be an EksCluster`));
  });
});
