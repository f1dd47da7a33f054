import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NODE_MODES, SampleStack } from '../../bin/sample-stack';
import { complianceFindings, Finding, testApp } from '../helpers/synth';
import { MODES, sample } from './fixtures';

/** An environment-agnostic stack, and one with a concrete account and region (as every `cdk deploy` has). */
const ENVS: Record<string, { account: string; region: string } | undefined> = {
  'environment-agnostic': undefined,
  'account 111122223333, eu-west-1': { account: '111122223333', region: 'eu-west-1' },
};
/** Every node mode in both environments, and the private variant (no internet path) of each. */
const PRIVATE = 'private variant, environment-agnostic';
const CASES = [
  ...MODES.flatMap((mode) => Object.keys(ENVS).map((env) => [mode, env])),
  ...MODES.map((mode) => [mode, PRIVATE]),
];
const stackId = (mode: string, env: string) =>
  `EksArchitecture-${mode}-${env === PRIVATE ? 'private' : env === 'environment-agnostic' ? 'agnostic' : 'concrete'}`;

let findings: Finding[];
beforeAll(() => {
  // GIVEN the sample stack of every node mode in both environments, in one app: one synth runs every
  // pack over all of them (cfn-guard, the costly part, starts once)
  const app = testApp();
  for (const [mode, env] of CASES) {
    new SampleStack(app, stackId(mode, env), { nodeMode: NODE_MODES[mode](), env: ENVS[env], privateCluster: env === PRIVATE });
  }
  // WHEN AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1 and the Control Tower Guard rules run
  findings = complianceFindings(app);
});

test.each(CASES)('%s, %s: AwsSolutions, NIST 800-53 R5, HIPAA, PCI DSS 3.2.1 and the Control Tower Guard rules find nothing unacknowledged', (mode, env) => {
  // THEN nothing is reported on this stack
  expect(findings.filter((f) => f.path.startsWith(`${stackId(mode, env)}/`))).toEqual([]);
});

test('no finding anywhere, not even one the Guard plugin could not place on a resource (which nothing can acknowledge)', () => {
  expect(findings).toEqual([]);
});

test('every pack and the Guard rules really run: a bare bucket and key are reported by each of them', () => {
  // GIVEN a stack with an S3 bucket and a KMS key on their defaults
  const stack = new Stack(testApp(), 'Bare');
  new s3.Bucket(stack, 'Bucket');
  new kms.Key(stack, 'Key');
  // WHEN
  const bare = complianceFindings(stack);
  // THEN each plugin has findings (the Guard rules among them: no KMS grant condition, no access logs)
  expect([...new Set(bare.map((f) => f.plugin))].sort()).toEqual(['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321', 'cdk-validator-cfnguard']);
  expect(bare).toEqual(expect.arrayContaining([
    expect.objectContaining({ plugin: 'cdk-validator-cfnguard', rule: 'kms_create_grant_aws_service_check', path: 'Bare/Key/Resource' }),
    expect.objectContaining({ plugin: 'cdk-validator-cfnguard', rule: 's3_bucket_logging_enabled_check', path: 'Bare/Bucket/Resource' }),
  ]));
});

describe.each(MODES)('%s', (mode) => {
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
