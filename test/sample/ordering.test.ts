import { MODES, resourcesOf, sample, SampleSynth } from './fixtures';

/** The logical IDs a resource uses directly: its DependsOn, Refs and GetAtts. */
function directDependencies(resource: any): Set<string> {
  const found = new Set<string>([resource.DependsOn ?? []].flat());
  const walk = (value: any): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value && typeof value === 'object') {
      if (typeof value.Ref === 'string') {
        found.add(value.Ref);
      }
      if (Array.isArray(value['Fn::GetAtt'])) {
        found.add(value['Fn::GetAtt'][0]);
      }
      Object.values(value).forEach(walk);
    }
  };
  walk(resource.Properties);
  return found;
}

/** Every logical ID `id` waits for on create, directly or through others. */
function waitsFor(s: SampleSynth, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const next = stack.pop()!;
    for (const dep of directDependencies(s.json.Resources[next])) {
      if (s.json.Resources[dep] && !seen.has(dep)) {
        seen.add(dep);
        stack.push(dep);
      }
    }
  }
  return seen;
}

const CAPACITY_TYPES = ['AWS::EKS::Nodegroup', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::EKS::FargateProfile'];

const capacityOf = (s: SampleSynth) => CAPACITY_TYPES.flatMap((type) => resourcesOf(s, type).map(([id]) => id));
const addonId = (s: SampleSynth, name: string) => resourcesOf(s, 'AWS::EKS::Addon').find(([, r]) => r.Properties.AddonName === name)?.[0];

describe.each(MODES)('deploy order of the sample (%s): what runs pods waits for capacity, nothing else does', (mode) => {
  const s = () => sample(mode);

  test('the CSI add-ons wait for every piece of capacity and the Pod Identity agent', () => {
    // GIVEN the sample, which never orders its capabilities by hand
    const capacity = capacityOf(s());
    const agent = addonId(s(), 'eks-pod-identity-agent');
    for (const name of ['aws-ebs-csi-driver', 'aws-efs-csi-driver']) {
      const addon = addonId(s(), name);
      if (!addon) {
        continue; // EBS on Fargate and Auto Mode, EFS on Fargate: no add-on
      }
      // THEN each add-on waits for the capacity and the agent
      const waits = waitsFor(s(), addon);
      expect([...capacity, ...(agent ? [agent] : [])].filter((id) => !waits.has(id))).toEqual([]);
    }
    if (mode !== 'fargate') {
      expect(addonId(s(), 'aws-efs-csi-driver')).toBeDefined();
    }
  });

  test('keys, the file system, its mount targets and their security group do not wait for capacity', () => {
    const capacity = capacityOf(s());
    const infrastructure = ['AWS::KMS::Key', 'AWS::EFS::FileSystem', 'AWS::EFS::MountTarget']
      .flatMap((type) => resourcesOf(s(), type).map(([id]) => id))
      .concat(resourcesOf(s(), 'AWS::EC2::SecurityGroup').filter(([id]) => /MountTarget/.test(id)).map(([id]) => id));
    expect(infrastructure.length).toBeGreaterThanOrEqual(5);
    for (const id of infrastructure) {
      const waits = waitsFor(s(), id);
      expect({ id, waitsForCapacity: capacity.filter((c) => waits.has(c)) }).toEqual({ id, waitsForCapacity: [] });
    }
  });

  test('the ingress controller chart, the node termination handler and the workloads wait for capacity', () => {
    const capacity = capacityOf(s());
    const charts = resourcesOf(s(), 'Custom::AWSCDK-EKS-HelmChart').map(([id]) => id);
    const workloads = resourcesOf(s(), 'Custom::AWSCDK-EKS-KubernetesResource').filter(([id]) => /SampleWorkloads/.test(id)).map(([id]) => id);
    expect(workloads).toHaveLength(1);
    expect(charts).toHaveLength({ 'auto-mode': 0, 'self-managed': 2 }[mode] ?? 1);
    for (const id of [...charts, ...workloads]) {
      const waits = waitsFor(s(), id);
      expect(capacity.filter((c) => !waits.has(c))).toEqual([]);
    }
  });
});
