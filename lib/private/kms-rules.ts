import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { PropErrors } from './prop-errors';

/**
 * Checks a KMS key given to `scope`: it must be a symmetric encryption key (EKS secrets, CloudWatch
 * Logs, EBS, EFS and FSx take no other), in the stack's Region. Only what is known at synth is
 * checked: the key spec and usage of a key defined in this app, and the Region of a key imported
 * from a literal ARN. Tokens pass.
 */
export function checkEncryptionKey(errors: PropErrors, scope: IConstruct, prop: string, key: kms.IKey | undefined): void {
  if (key === undefined) {
    return;
  }
  const cfn = key.node.defaultChild;
  if (cfn instanceof kms.CfnKey) {
    const spec = cfn.keySpec;
    const usage = cfn.keyUsage;
    const known = (v: unknown): v is string => typeof v === 'string' && !Token.isUnresolved(v);
    if ((known(spec) && spec !== kms.KeySpec.SYMMETRIC_DEFAULT) || (known(usage) && usage !== kms.KeyUsage.ENCRYPT_DECRYPT)) {
      errors.add(prop, `a key with keySpec ${spec ?? kms.KeySpec.SYMMETRIC_DEFAULT} and keyUsage ${usage ?? kms.KeyUsage.ENCRYPT_DECRYPT}`,
        'must be a symmetric encryption key (keySpec SYMMETRIC_DEFAULT, keyUsage ENCRYPT_DECRYPT): EKS, CloudWatch Logs and the storage services encrypt with nothing else');
    }
  }
  const keyRegion = key.env?.region;
  const stackRegion = Stack.of(scope).region;
  if (typeof keyRegion === 'string' && !Token.isUnresolved(keyRegion) && !Token.isUnresolved(stackRegion) && keyRegion !== stackRegion) {
    errors.add(prop, `a key in ${keyRegion}`, `the stack deploys to ${stackRegion} and KMS keys are regional: use a key (or a multi-Region replica) in ${stackRegion}`);
  }
}
