import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Denies `kms:CreateGrant` on a key this library created unless the grant is for an AWS resource
 * (EBS, EFS, FSx and EKS create their grants through the service, `kms:GrantIsForAWSResource`
 * true) or an AWS service principal asks: nobody can hand the key to an arbitrary principal by
 * grant, which would bypass the key policy. The statement is the form the AWS Control Tower
 * proactive control CT.KMS.PR.3 requires. Keys a user passes in are theirs to keep right.
 */
export function limitGrantsToAwsServices(key: kms.IKey): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: {
        'kms:GrantIsForAWSResource': 'false',
        'aws:PrincipalIsAWSService': 'false',
      },
    },
  }));
}
