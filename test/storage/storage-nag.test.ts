import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { EbsCsiStorage, EfsCsiStorage, NodeMode, NodeModeType } from '../../lib';
import { awsSolutionsFindings, Finding } from '../helpers/synth';
import { clusterStack } from './storage-fixtures';

/** Findings on the storage constructs only; the cluster's own are asserted by its tests. */
function storageFindings(findings: Finding[]): Finding[] {
  return findings.filter((f) => /^Test\/(Ebs|Efs)(\/|$)/.test(f.path));
}

/** Every acknowledgement recorded on `scope` itself: finding id to reason. */
function acknowledgementsOn(scope: IConstruct): Record<string, string> {
  return Object.assign({}, ...scope.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .map((m) => m.data as Record<string, string>));
}

describe('cdk-nag AwsSolutions on the storage constructs', () => {
  test('each acknowledgement sits on the driver role it concerns, one finding id with a reason', () => {
    // GIVEN
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    // WHEN
    const ebs = new EbsCsiStorage(stack, 'Ebs', { cluster: eksCluster });
    const efs = new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster });
    // THEN
    const ebsAcks = acknowledgementsOn(ebs.driverRole!);
    expect(Object.keys(ebsAcks)).toEqual(['Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy]']);
    expect(Object.values(ebsAcks)[0]).toMatch(/AWS managed policy the EBS CSI driver is documented with/);
    const efsAcks = acknowledgementsOn(efs.driverRole!);
    expect(Object.keys(efsAcks)).toEqual(['Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy]']);
    expect(Object.values(efsAcks)[0]).toMatch(/AWS managed policy the EFS CSI driver is documented with/);
    expect(acknowledgementsOn(ebs)).toEqual({});
    expect(acknowledgementsOn(efs)).toEqual({});
  });

  test('managed nodes with EBS, EFS and a static volume: no unacknowledged finding', () => {
    // GIVEN a managed-node cluster with both storage constructs
    const { stack, eksCluster } = clusterStack(NodeMode.managed());
    new EbsCsiStorage(stack, 'Ebs', { cluster: eksCluster });
    const efs = new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster });
    efs.addStaticVolume('Shared', { name: 'shared', path: '/shared' });
    // WHEN the AwsSolutions pack runs
    const findings = awsSolutionsFindings(stack);
    // THEN
    expect(storageFindings(findings)).toEqual([]);
  });

  test('Auto Mode EBS and Fargate EFS: no unacknowledged finding', () => {
    for (const mode of [NodeMode.autoMode(), NodeMode.fargate()]) {
      // GIVEN
      const { stack, eksCluster } = clusterStack(mode);
      if (eksCluster.nodeModeType !== NodeModeType.FARGATE) {
        new EbsCsiStorage(stack, 'Ebs', { cluster: eksCluster });
      }
      const efs = new EfsCsiStorage(stack, 'Efs', { cluster: eksCluster });
      efs.addStaticVolume('Shared', { name: 'shared', path: '/shared' });
      // WHEN
      const findings = awsSolutionsFindings(stack);
      // THEN
      expect(storageFindings(findings)).toEqual([]);
    }
  });
});
