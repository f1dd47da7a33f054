import { RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge, findingEnv } from './acknowledge';

/**
 * Selects a file system into an AWS Backup plan: the one given, or a new one (`BackupPlan`: a
 * daily backup kept 35 days) whose vault (`BackupVault`) is encrypted with `key` and always
 * retained: recovery points exist to outlive the file system and the stack. The selection's role
 * is AWS Backup's own (`AWSBackupServiceRolePolicyForBackup`), as AWS Backup documents.
 */
export function backUpFileSystem(scope: Construct, fileSystem: efs.FileSystem, key: kms.IKey, given: backup.IBackupPlan | undefined): backup.IBackupPlan {
  let plan = given;
  if (!plan) {
    const vault = new backup.BackupVault(scope, 'BackupVault', { encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    plan = backup.BackupPlan.daily35DayRetention(scope, 'BackupPlan', vault);
  }
  const selection = new backup.BackupSelection(scope, 'BackupSelection', {
    backupPlan: plan,
    resources: [backup.BackupResource.fromEfsFileSystem(fileSystem)],
    allowRestores: false,
  });
  const role = selection.node.findChild('Role');
  const { partition } = findingEnv(scope);
  acknowledge(role, `AwsSolutions-IAM4[Policy::arn:${partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]`,
    'AWSBackupServiceRolePolicyForBackup is the AWS managed policy AWS Backup documents for the role it backs resources up with; AWS keeps it in step with the services AWS Backup supports.');
  return plan;
}
