import { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { NODE_MODES, SampleStack } from '../../bin/sample-stack';
import { complianceFindings, testApp } from '../helpers/synth';
import { MODES, sample } from './fixtures';

/** An environment-agnostic stack, and one with a concrete account and region (as every `cdk deploy` has). */
const ENVS: Array<[string, { account: string; region: string } | undefined]> = [
  ['environment-agnostic', undefined],
  ['account 111122223333, eu-west-1', { account: '111122223333', region: 'eu-west-1' }],
];

describe.each(MODES)('%s', (mode) => {
  test.each(ENVS)('%s: AwsSolutions, NIST 800-53 R5, HIPAA, PCI DSS 3.2.1 and the Control Tower Guard rules find nothing unacknowledged', (_name, env) => {
    // GIVEN the sample stack of this node mode, in this environment (one synth, every pack at once)
    const stack = new SampleStack(testApp(), 'EksArchitecture', { nodeMode: NODE_MODES[mode](), env });
    // WHEN the packs run THEN nothing is reported
    expect(complianceFindings(stack)).toEqual([]);
  });

  test('E9 (not covered by cdk-nag): EKS1/EKS2 do not recognise aws-eks-v2 clusters, so endpoint and logging are asserted here', () => {
    const cluster = Object.values(sample(mode).template.findResources('AWS::EKS::Cluster'))[0] as any;
    expect(cluster.Properties.ResourcesVpcConfig.EndpointPublicAccess).toBe(false);
    expect(cluster.Properties.Logging.ClusterLogging.EnabledTypes).toHaveLength(5);
  });
});

describe('the sample content bucket (fixes, not acknowledgements)', () => {
  test('is encrypted with its own rotating KMS key, logs to a second bucket, expires old versions and sends events to EventBridge', () => {
    // GIVEN the managed sample THEN
    const s = sample('managed');
    const stack = s.stack;
    const bucketId = stack.getLogicalId(stack.contentBucket.node.defaultChild as CfnElement);
    const logsId = stack.getLogicalId(stack.accessLogsBucket.node.defaultChild as CfnElement);
    const keyId = stack.getLogicalId(stack.contentKey.node.defaultChild as CfnElement);
    const bucket = s.json.Resources[bucketId];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([{
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    }]);
    expect(bucket.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'content-bucket/' });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 } })]);
    expect(bucket.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(s.json.Resources[keyId].Properties.EnableKeyRotation).toBe(true);
    // the log bucket: S3 managed keys (all server access logging accepts), ACLs off, logs delivered under its bucket policy
    const logs = s.json.Resources[logsId];
    expect(logs.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    expect(logs.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
    // the content loader reads it through a customer managed policy, decrypting only through S3
    s.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } })]) },
    });
  });
});
