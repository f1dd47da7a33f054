import { awsSolutionsFindings } from '../helpers/synth';
import { MODES, privateSample, sample } from './fixtures';

describe.each(MODES)('%s', (mode) => {
  test('cdk-nag AwsSolutions finds nothing unacknowledged in the whole sample stack', () => {
    // GIVEN the sample stack of this node mode WHEN the AwsSolutions pack runs THEN nothing is reported
    expect(awsSolutionsFindings(sample(mode).stack)).toEqual([]);
  });

  test('private variant: cdk-nag AwsSolutions finds nothing unacknowledged either', () => {
    // GIVEN the sample with no internet path (pull-through cache, private chart) WHEN the pack runs THEN nothing is reported
    expect(awsSolutionsFindings(privateSample(mode).stack)).toEqual([]);
  });

  test('E9 (not covered by cdk-nag): EKS1/EKS2 do not recognise aws-eks-v2 clusters, so endpoint and logging are asserted here', () => {
    const cluster = Object.values(sample(mode).template.findResources('AWS::EKS::Cluster'))[0] as any;
    expect(cluster.Properties.ResourcesVpcConfig.EndpointPublicAccess).toBe(false);
    expect(cluster.Properties.Logging.ClusterLogging.EnabledTypes).toHaveLength(5);
  });
});
