import { Duration, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ControlPlaneEgressMode, SchedulerScoringStrategy, SupportType } from '../../lib/cluster/control-plane';
import { EksCluster, EksClusterProps } from '../../lib/cluster/eks-cluster';
import { KubernetesVersions } from '../../lib/cluster/kubernetes-version';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { KUBERNETES_VERSION_TABLE } from '../../lib/private/kubernetes-versions';
import { newStack } from '../helpers/synth';

function clusterStack(props: Partial<EksClusterProps> = {}, vpcProps: ConstructorParameters<typeof CustomerVpc>[2] = {}) {
  const stack = newStack();
  const network = new CustomerVpc(stack, 'Network', vpcProps);
  const cluster = new EksCluster(stack, 'Cluster', { vpc: network.vpc, ...props });
  return { stack, cluster };
}

function clusterProps(template: Template): any {
  const clusters = Object.values(template.findResources('AWS::EKS::Cluster'));
  expect(clusters).toHaveLength(1);
  return (clusters[0] as any).Properties;
}

describe('EksCluster control-plane defaults', () => {
  let template: Template;
  let cluster: EksCluster;
  beforeAll(() => {
    // GIVEN a customer VPC WHEN an EksCluster is added with only the VPC
    const built = clusterStack();
    cluster = built.cluster;
    template = Template.fromStack(built.stack);
  });

  test('opts out of extended support: SupportType STANDARD', () => {
    // THEN the cluster is upgraded at the end of standard support instead of billing extended support
    expect(clusterProps(template).UpgradePolicy).toEqual({ SupportType: 'STANDARD' });
    expect(cluster.supportType).toBe(SupportType.STANDARD);
  });

  test('turns zonal shift on', () => {
    expect(clusterProps(template).ZonalShiftConfig).toEqual({ Enabled: true });
  });

  test('states the standard scaling tier', () => {
    expect(clusterProps(template).ControlPlaneScalingConfig).toEqual({ Tier: 'standard' });
  });

  test('leaves rollback, egress routing and component settings to EKS', () => {
    const props = clusterProps(template);
    expect(props.RollbackConfig).toBeUndefined();
    expect(props.ResourcesVpcConfig.ControlPlaneEgressMode).toBeUndefined();
    expect(props.KubeApiServerConfig).toBeUndefined();
    expect(props.KubeSchedulerConfig).toBeUndefined();
    expect(props.KubeControllerManagerConfig).toBeUndefined();
  });
});

describe('EksCluster control-plane settings', () => {
  let template: Template;
  let annotations: Annotations;
  beforeAll(() => {
    // GIVEN every control-plane setting chosen
    const { stack } = clusterStack({
      supportType: SupportType.EXTENDED,
      zonalShift: false,
      controlPlaneScalingTier: eks.ControlPlaneScalingTier.TIER_XL,
      versionRollbackTimeout: Duration.hours(24),
      controlPlaneEgressMode: ControlPlaneEgressMode.CUSTOMER_ROUTED,
      controlPlaneComponents: {
        eventTtl: Duration.minutes(90),
        serviceNodePortRange: { minPort: 31000, maxPort: 32000 },
        schedulerScoringStrategy: SchedulerScoringStrategy.MOST_ALLOCATED,
        schedulerResourceWeights: [{ name: 'cpu', weight: 2 }, { name: 'memory', weight: 1 }],
        terminatedPodGcThreshold: 500,
        horizontalPodAutoscalerSyncPeriod: Duration.seconds(30),
      },
    });
    template = Template.fromStack(stack);
    annotations = Annotations.fromStack(stack);
  });

  test('writes each onto AWS::EKS::Cluster', () => {
    const props = clusterProps(template);
    expect(props.UpgradePolicy).toEqual({ SupportType: 'EXTENDED' });
    expect(props.ZonalShiftConfig).toEqual({ Enabled: false });
    expect(props.ControlPlaneScalingConfig).toEqual({ Tier: 'tier-xl' });
    expect(props.RollbackConfig).toEqual({ TimeoutMinutes: 1440 });
    expect(props.ResourcesVpcConfig.ControlPlaneEgressMode).toBe('CUSTOMER_ROUTED');
    expect(props.KubeApiServerConfig).toEqual({ EventTtl: '90m', ServiceNodePortRange: { MinPort: 31000, MaxPort: 32000 } });
    expect(props.KubeSchedulerConfig).toEqual({
      NodeResourcesFit: { ScoringStrategy: { Type: 'MostAllocated', Resources: [{ Name: 'cpu', Weight: 2 }, { Name: 'memory', Weight: 1 }] } },
    });
    expect(props.KubeControllerManagerConfig).toEqual({
      PodGcControllerConfig: { TerminatedPodGcThreshold: 500 },
      HorizontalPodAutoscalerControllerConfig: { HorizontalPodAutoscalerSyncPeriod: '30s' },
    });
  });

  test('warns that customer-routed egress is one-way and that extended support costs more', () => {
    annotations.hasWarning('/Test/Cluster', Match.stringLikeRegexp('CUSTOMER_ROUTED is one-way'));
    annotations.hasWarning('/Test/Cluster', Match.stringLikeRegexp('supportType EXTENDED.*6 times'));
  });
});

describe('EksCluster control-plane validation', () => {
  const bad = (props: Partial<EksClusterProps>) => () => clusterStack(props);

  test.each([
    [119, true], [120, false], [10080, false], [10081, true],
  ])('versionRollbackTimeout of %d minutes: refused=%s', (minutes, refused) => {
    const build = bad({ versionRollbackTimeout: Duration.minutes(minutes) });
    if (refused) {
      expect(build).toThrow(/versionRollbackTimeout: got '.*'; must be whole minutes from 120 \(2 hours\) to 10080 \(7 days\)/);
    } else {
      expect(clusterProps(Template.fromStack(build().stack)).RollbackConfig).toEqual({ TimeoutMinutes: minutes });
    }
  });

  test('versionRollbackTimeout must be whole minutes', () => {
    expect(bad({ versionRollbackTimeout: Duration.seconds(7230) })).toThrow(/versionRollbackTimeout: .*whole minutes/);
  });

  test('a token rollback timeout passes through', () => {
    const { stack } = clusterStack({ versionRollbackTimeout: Duration.minutes(Token.asNumber({ Ref: 'Timeout' })) });
    expect(clusterProps(Template.fromStack(stack)).RollbackConfig.TimeoutMinutes).toEqual({ Ref: 'Timeout' });
  });

  test('supportType and controlPlaneEgressMode must be one of their enums (a jsii caller can pass any string)', () => {
    expect(bad({ supportType: 'NONE' as SupportType })).toThrow(/supportType: got 'NONE'; must be SupportType.STANDARD or SupportType.EXTENDED/);
    expect(bad({ controlPlaneEgressMode: 'CUSTOMER_ISOLATED' as ControlPlaneEgressMode }))
      .toThrow(/controlPlaneEgressMode: got 'CUSTOMER_ISOLATED'; must be ControlPlaneEgressMode.AWS_MANAGED or CUSTOMER_ROUTED/);
  });

  test('eventTtl is whole minutes, at least 1', () => {
    expect(bad({ controlPlaneComponents: { eventTtl: Duration.seconds(90) } })).toThrow(/controlPlaneComponents.eventTtl: .*whole number of minutes/);
    expect(bad({ controlPlaneComponents: { eventTtl: Duration.seconds(0) } })).toThrow(/controlPlaneComponents.eventTtl: .*at least 1/);
    const { stack } = clusterStack({ controlPlaneComponents: { eventTtl: Duration.minutes(120) } });
    expect(clusterProps(Template.fromStack(stack)).KubeApiServerConfig).toEqual({ EventTtl: '2h' });
  });

  test('serviceNodePortRange: ports 1 to 65535, min below max', () => {
    expect(bad({ controlPlaneComponents: { serviceNodePortRange: { minPort: 0, maxPort: 32767 } } }))
      .toThrow(/serviceNodePortRange.minPort: got 0; must be a whole number from 1 to 65535/);
    expect(bad({ controlPlaneComponents: { serviceNodePortRange: { minPort: 30000, maxPort: 65536 } } }))
      .toThrow(/serviceNodePortRange.maxPort: got 65536/);
    expect(bad({ controlPlaneComponents: { serviceNodePortRange: { minPort: 32000, maxPort: 32000 } } }))
      .toThrow(/serviceNodePortRange: got '32000-32000'; minPort must be lower than maxPort/);
    const { stack } = clusterStack({ controlPlaneComponents: { serviceNodePortRange: { minPort: 1, maxPort: 65535 } } });
    expect(clusterProps(Template.fromStack(stack)).KubeApiServerConfig.ServiceNodePortRange).toEqual({ MinPort: 1, MaxPort: 65535 });
  });

  test('scheduler weights: 1 to 100, once each, only with a scoring strategy', () => {
    const strategy = SchedulerScoringStrategy.LEAST_ALLOCATED;
    expect(bad({ controlPlaneComponents: { schedulerScoringStrategy: strategy, schedulerResourceWeights: [{ name: 'cpu', weight: 0 }] } }))
      .toThrow(/schedulerResourceWeights\['cpu'\].weight: got 0; must be a whole number from 1 to 100/);
    expect(bad({ controlPlaneComponents: { schedulerScoringStrategy: strategy, schedulerResourceWeights: [{ name: 'cpu', weight: 101 }] } }))
      .toThrow(/weight: got 101/);
    expect(bad({ controlPlaneComponents: { schedulerScoringStrategy: strategy, schedulerResourceWeights: [{ name: 'cpu', weight: 1 }, { name: 'cpu', weight: 2 }] } }))
      .toThrow(/each resource may be listed once/);
    expect(bad({ controlPlaneComponents: { schedulerResourceWeights: [{ name: 'cpu', weight: 1 }] } }))
      .toThrow(/set schedulerScoringStrategy too/);
    expect(bad({ controlPlaneComponents: { schedulerScoringStrategy: 'Balanced' as SchedulerScoringStrategy } }))
      .toThrow(/schedulerScoringStrategy: got 'Balanced'/);
    const { stack } = clusterStack({ controlPlaneComponents: { schedulerScoringStrategy: strategy, schedulerResourceWeights: [{ name: 'cpu', weight: 100 }] } });
    expect(clusterProps(Template.fromStack(stack)).KubeSchedulerConfig.NodeResourcesFit.ScoringStrategy.Resources).toEqual([{ Name: 'cpu', Weight: 100 }]);
  });

  test('terminatedPodGcThreshold is 1 or more; the HPA sync period is whole seconds', () => {
    expect(bad({ controlPlaneComponents: { terminatedPodGcThreshold: 0 } })).toThrow(/terminatedPodGcThreshold: got 0; must be a whole number of 1 or more/);
    expect(bad({ controlPlaneComponents: { horizontalPodAutoscalerSyncPeriod: Duration.millis(1500) } }))
      .toThrow(/horizontalPodAutoscalerSyncPeriod: .*whole number of seconds/);
    const { stack } = clusterStack({ controlPlaneComponents: { terminatedPodGcThreshold: 1, horizontalPodAutoscalerSyncPeriod: Duration.minutes(1) } });
    expect(clusterProps(Template.fromStack(stack)).KubeControllerManagerConfig).toEqual({
      PodGcControllerConfig: { TerminatedPodGcThreshold: 1 },
      HorizontalPodAutoscalerControllerConfig: { HorizontalPodAutoscalerSyncPeriod: '1m' },
    });
  });

  test('unknown controlPlaneComponents keys are refused', () => {
    expect(bad({ controlPlaneComponents: { eventTTL: Duration.hours(1) } as any })).toThrow(/eventTTL/);
  });
});

describe('KubernetesVersions support calendar', () => {
  test('every supported version has its support end dates and kubectl layer; standard ends 12 months before extended', () => {
    expect(KUBERNETES_VERSION_TABLE.map((r) => r.version)).toEqual(KubernetesVersions.SUPPORTED);
    for (const version of KubernetesVersions.SUPPORTED) {
      const standard = KubernetesVersions.standardSupportEnds(version);
      const extended = KubernetesVersions.extendedSupportEnds(version);
      expect(standard).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number(extended.slice(0, 4)) - Number(standard.slice(0, 4))).toBe(1);
      expect(extended.slice(4)).toBe(standard.slice(4));
      expect(KubernetesVersions.kubectlLayerPackage(version)).toBe(`@aws-cdk/lambda-layer-kubectl-v${version.split('.')[1]}`);
    }
    expect(KubernetesVersions.standardSupportEnds('1.36')).toBe('2027-08-02');
    expect(() => KubernetesVersions.standardSupportEnds('1.32')).toThrow(/Kubernetes 1.32 is not supported/);
  });
});

describe('a version past standard support', () => {
  /** The warnings of a cluster of `version` with `supportType`. */
  const warningsOf = (version: eks.KubernetesVersion, supportType?: SupportType) => {
    const stack = newStack();
    const network = new CustomerVpc(stack, 'Network');
    new EksCluster(stack, 'Cluster', { vpc: network.vpc, kubernetesVersion: version, supportType, clusterAdminPrincipalArns: ['arn:aws:iam::111122223333:role/Admin'] });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('left standard support')).map((w) => w.entry.data);
  };

  test('warns with STANDARD support: 1.33 left standard support before the version table of this release', () => {
    expect(warningsOf(eks.KubernetesVersion.V1_33)).toEqual([
      expect.stringMatching(/^Kubernetes 1.33 left standard support on 2026-07-29 \(the version table of this release is of 2026-12-01\).*\[ack: cdk-eks-architecture:version-past-standard-support\]$/),
    ]);
  });

  test('does not warn for a version still in standard support', () => {
    expect(warningsOf(eks.KubernetesVersion.V1_34)).toEqual([]);
    expect(warningsOf(eks.KubernetesVersion.V1_36)).toEqual([]);
  });

  test('does not warn with EXTENDED support, which is what such a version needs', () => {
    expect(warningsOf(eks.KubernetesVersion.V1_33, SupportType.EXTENDED)).toEqual([]);
  });
});
