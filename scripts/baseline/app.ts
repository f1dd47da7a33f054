#!/usr/bin/env node
/**
 * The baseline of the benchmark (`npm run bench`, scripts/bench.js): the EKS stack a user would
 * write with plain `aws-cdk-lib/aws-eks-v2`, without this library. It covers what the sample app
 * (bin/app.ts) covers in managed mode, with aws-eks-v2's own defaults wherever a user would not
 * change them:
 *
 * - a VPC (`ec2.Vpc` defaults: 2 AZs when the stack is environment-agnostic, public and private
 *   subnets, one NAT gateway per AZ);
 * - an `eks.Cluster` with a managed node group of 2 (`defaultCapacityType: NODEGROUP`);
 * - the kubectl provider with the newest kubectl layer on npm (`KubectlV36Layer`);
 * - the AWS Load Balancer Controller, newest version aws-cdk-lib knows;
 * - the EBS and EFS CSI drivers as EKS add-ons (`eks.Addon`);
 * - an EFS file system, which the EFS StorageClass needs, and two StorageClass manifests
 *   (gp3 EBS as the default class, and EFS access points).
 *
 * It is synthesized exactly like the sample app (`node --import tsx`, same environment), so the
 * two measurements differ only by what the apps build. The environment follows bin/app.ts.
 */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as eks from 'aws-cdk-lib/aws-eks-v2';

const app = new App();
const stack = new Stack(app, 'EksBaseline', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

const vpc = new ec2.Vpc(stack, 'Vpc');

const cluster = new eks.Cluster(stack, 'Cluster', {
  vpc,
  version: eks.KubernetesVersion.V1_36,
  defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
  defaultCapacity: 2,
  kubectlProviderOptions: {
    kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
  },
  albController: {
    version: eks.AlbControllerVersion.V3_2_2,
  },
});

new eks.Addon(stack, 'EbsCsiDriver', { cluster, addonName: 'aws-ebs-csi-driver' });
new eks.Addon(stack, 'EfsCsiDriver', { cluster, addonName: 'aws-efs-csi-driver' });

const fileSystem = new efs.FileSystem(stack, 'FileSystem', {
  vpc,
  encrypted: true,
  removalPolicy: RemovalPolicy.DESTROY,
});
fileSystem.connections.allowDefaultPortFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock));

cluster.addManifest('StorageClasses', {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name: 'gp3',
    annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
  },
  provisioner: 'ebs.csi.aws.com',
  volumeBindingMode: 'WaitForFirstConsumer',
  allowVolumeExpansion: true,
  parameters: { type: 'gp3', encrypted: 'true' },
}, {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'efs' },
  provisioner: 'efs.csi.aws.com',
  parameters: {
    provisioningMode: 'efs-ap',
    fileSystemId: fileSystem.fileSystemId,
    directoryPerms: '700',
  },
});
