import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { limitGrantsToAwsServices } from './key-policy';

/**
 * The key a construct encrypts its log group with: the one given (whose policy is the owner's to
 * keep right), or a new rotating key, kept per `removalPolicy`, that CloudWatch Logs may use.
 */
export function logsEncryptionKey(scope: Construct, id: string, given: kms.IKey | undefined, description: string, removalPolicy: RemovalPolicy): kms.IKey {
  if (given) {
    return given;
  }
  const key = new kms.Key(scope, id, { description, enableKeyRotation: true, removalPolicy });
  allowCloudWatchLogs(key);
  limitGrantsToAwsServices(key);
  return key;
}

/** Lets CloudWatch Logs in this region use a key the construct created. */
function allowCloudWatchLogs(key: kms.IKey): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogs',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
    },
  }));
}
