/**
 * One test per architecture claim (docs/ARCHITECTURE.md, from the seed note) and node mode where it
 * applies, each named with its claim ID, asserting the synthesized sample stack or the Kubernetes
 * objects inside it. The private variant (`-c privateCluster=true`) runs the same claims, with the
 * ones that cannot hold without an internet path (K8: public subnets, internet-facing ALB) replaced
 * by their private counterparts, and the P claims of docs/PRIVATE-CLUSTERS.md added.
 */
import { EFS_CLAIM, EBS_CLAIM, WEB_APP } from '../../bin/workloads';
import { helmChartValues, objectOf } from '../helpers/manifests';
import { azIndexesOf, CLAIM_SUBJECTS, MODES, modeOf, oneOf, resourcesOf, sample, subnetRefs } from './fixtures';

const NODE_MODES_WITH_INSTANCES = ['managed', 'self-managed'];
const MODES_WITH_EBS = ['managed', 'self-managed', 'auto-mode'];

/**
 * Each node mode of the sample, each stage of the fleet sample (with internet egress, named by the
 * mode or stage), and each node mode without an internet path (named `<mode>, private`): the same
 * claims hold.
 */
const VARIANTS: Array<[string, string, boolean]> = [
  ...CLAIM_SUBJECTS.map((subject): [string, string, boolean] => [subject, subject, false]),
  ...MODES.map((mode): [string, string, boolean] => [`${mode}, private`, mode, true]),
];

/** Registries a cluster with no internet path cannot reach. */
const PUBLIC_REGISTRIES = /(^|[^.\w])(public\.ecr\.aws|docker\.io|registry-1\.docker\.io|registry\.k8s\.io|quay\.io|ghcr\.io|gcr\.io)\//;

describe.each(VARIANTS)('%s', (_name, subject, privateCluster) => {
  const mode = modeOf(subject);
  const s = () => sample(subject, { privateCluster });
  const cluster = () => oneOf(s(), 'AWS::EKS::Cluster')[1];
  const privateSubnets = () => subnetRefs(s(), privateCluster ? 'Isolated' : 'Private');

  test('E1: the control plane is one native AWS::EKS::Cluster with a pinned Kubernetes version', () => {
    expect(resourcesOf(s(), 'AWS::EKS::Cluster')).toHaveLength(1);
    expect(cluster().Properties.Version).toBe('1.36');
    expect(Object.values(s().json.Resources).some((r: any) => /Cluster$/.test(r.Type) && r.Type.startsWith('Custom::'))).toBe(false);
  });

  test('E2: the control plane subnets span 3 Availability Zones', () => {
    const azs = azIndexesOf(s(), cluster().Properties.ResourcesVpcConfig.SubnetIds);
    expect(new Set(azs).size).toBe(3);
  });

  test('E3: one stack holds the cluster and its compute', () => {
    const types = new Set(Object.values(s().json.Resources).map((r: any) => r.Type));
    expect(types.has('AWS::EKS::Cluster')).toBe(true);
    const compute = {
      'managed': types.has('AWS::EKS::Nodegroup'),
      'self-managed': types.has('AWS::AutoScaling::AutoScalingGroup'),
      'fargate': types.has('AWS::EKS::FargateProfile'),
      'auto-mode': cluster().Properties.ComputeConfig.Enabled === true,
    }[mode];
    expect(compute).toBe(true);
  });

  test('E4: etcd is not modelled; secrets in it are envelope-encrypted with a rotating customer-managed key', () => {
    expect(Object.values(s().json.Resources).some((r: any) => /etcd/i.test(r.Type))).toBe(false);
    const [encryption] = cluster().Properties.EncryptionConfig;
    expect(encryption.Resources).toEqual(['secrets']);
    const keyId = encryption.Provider.KeyArn['Fn::GetAtt'][0];
    expect(s().json.Resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  test('E5: the node mode switch yields its own kind of capacity', () => {
    const counts = (type: string) => resourcesOf(s(), type).length;
    switch (mode) {
      case 'managed':
        expect(counts('AWS::EKS::Nodegroup')).toBe(1);
        expect(counts('AWS::AutoScaling::AutoScalingGroup') + counts('AWS::EKS::FargateProfile')).toBe(0);
        break;
      case 'self-managed': {
        expect(counts('AWS::AutoScaling::AutoScalingGroup')).toBe(1);
        expect(counts('AWS::EC2::LaunchTemplate')).toBe(1);
        s().template.hasResourceProperties('AWS::EKS::AccessEntry', { Type: 'EC2_LINUX' });
        expect(counts('AWS::EKS::Nodegroup')).toBe(0);
        break;
      }
      case 'fargate':
        expect(counts('AWS::EKS::FargateProfile')).toBeGreaterThanOrEqual(2);
        expect(counts('AWS::EKS::Nodegroup') + counts('AWS::AutoScaling::AutoScalingGroup')).toBe(0);
        break;
      case 'auto-mode':
        expect(cluster().Properties.ComputeConfig).toMatchObject({ Enabled: true, NodePools: ['system', 'general-purpose'] });
        expect(counts('AWS::EKS::Nodegroup') + counts('AWS::AutoScaling::AutoScalingGroup') + counts('AWS::EKS::FargateProfile')).toBe(0);
        break;
    }
  });

  test('E6: persistent storage: CSI drivers with their own roles, EFS mounted in every AZ', () => {
    const addons = Object.fromEntries(resourcesOf(s(), 'AWS::EKS::Addon').map(([, a]) => [a.Properties.AddonName, a.Properties]));
    const podRoleOf = (name: string) => addons[name].PodIdentityAssociations[0];
    if (mode === 'managed' || mode === 'self-managed') {
      expect(podRoleOf('aws-ebs-csi-driver').ServiceAccount).toBe('ebs-csi-controller-sa');
    } else {
      // Auto Mode has its own block storage driver; Fargate pods cannot attach EBS volumes.
      expect(addons['aws-ebs-csi-driver']).toBeUndefined();
    }
    if (mode === 'fargate') {
      // Fargate's EFS driver is built in (static provisioning only).
      expect(addons['aws-efs-csi-driver']).toBeUndefined();
    } else {
      expect(podRoleOf('aws-efs-csi-driver').ServiceAccount).toBe('efs-csi-controller-sa');
    }
    for (const [name, addon] of Object.entries(addons).filter(([n]) => /csi/.test(n))) {
      const roleId = (addon as any).PodIdentityAssociations[0].RoleArn['Fn::GetAtt'][0];
      const managed = JSON.stringify(s().json.Resources[roleId].Properties.ManagedPolicyArns);
      expect(managed).toContain(name === 'aws-ebs-csi-driver' ? 'AmazonEBSCSIDriverPolicy' : 'AmazonEFSCSIDriverPolicy');
    }
    oneOf(s(), 'AWS::EFS::FileSystem');
    const mountSubnets = resourcesOf(s(), 'AWS::EFS::MountTarget').map(([, m]) => m.Properties.SubnetId);
    expect(new Set(azIndexesOf(s(), mountSubnets)).size).toBe(3);
  });

  test('E7: exactly one VPC, the customer one; capacity and mount targets sit in its private subnets', () => {
    expect(resourcesOf(s(), 'AWS::EC2::VPC')).toHaveLength(1);
    const privates = privateSubnets().map((r) => r.Ref);
    const inPrivate = (refs: any[]) => refs.every((r) => privates.includes(r.Ref));
    expect(inPrivate(resourcesOf(s(), 'AWS::EFS::MountTarget').map(([, m]) => m.Properties.SubnetId))).toBe(true);
    for (const [, ng] of resourcesOf(s(), 'AWS::EKS::Nodegroup')) expect(inPrivate(ng.Properties.Subnets)).toBe(true);
    for (const [, fp] of resourcesOf(s(), 'AWS::EKS::FargateProfile')) expect(inPrivate(fp.Properties.Subnets)).toBe(true);
    for (const [, asg] of resourcesOf(s(), 'AWS::AutoScaling::AutoScalingGroup')) expect(inPrivate(asg.Properties.VPCZoneIdentifier)).toBe(true);
    if (mode === 'auto-mode') {
      // Auto Mode launches nodes in the cluster's subnets.
      expect(inPrivate(cluster().Properties.ResourcesVpcConfig.SubnetIds)).toBe(true);
    }
  });

  test("E8: the control plane's ENIs go into the customer VPC's private subnets, with a security group of that VPC", () => {
    const config = cluster().Properties.ResourcesVpcConfig;
    expect(config.SubnetIds).toEqual(expect.arrayContaining(privateSubnets()));
    expect(config.SubnetIds).toHaveLength(3);
    const [vpcId] = oneOf(s(), 'AWS::EC2::VPC');
    const sgId = config.SecurityGroupIds[0]['Fn::GetAtt'][0];
    expect(s().json.Resources[sgId].Properties.VpcId).toEqual({ Ref: vpcId });
  });

  test('E9: the API endpoint is explicit: private access on, public access off', () => {
    expect(cluster().Properties.ResourcesVpcConfig).toMatchObject({ EndpointPrivateAccess: true, EndpointPublicAccess: false });
  });

  test('K1: capacity spans at least 2 AZs, and node groups start with at least 2 nodes', () => {
    let subnets: any[];
    if (mode === 'managed') {
      const [, ng] = oneOf(s(), 'AWS::EKS::Nodegroup');
      subnets = ng.Properties.Subnets;
      expect(ng.Properties.ScalingConfig.MinSize).toBeGreaterThanOrEqual(2);
    } else if (mode === 'self-managed') {
      const [, asg] = oneOf(s(), 'AWS::AutoScaling::AutoScalingGroup');
      subnets = asg.Properties.VPCZoneIdentifier;
      expect(Number(asg.Properties.MinSize)).toBeGreaterThanOrEqual(2);
    } else if (mode === 'fargate') {
      subnets = resourcesOf(s(), 'AWS::EKS::FargateProfile')[0][1].Properties.Subnets;
    } else {
      subnets = cluster().Properties.ResourcesVpcConfig.SubnetIds;
    }
    expect(new Set(azIndexesOf(s(), subnets)).size).toBeGreaterThanOrEqual(2);
  });

  if (NODE_MODES_WITH_INSTANCES.includes(mode)) {
    test('K2: nodes run containerd: Amazon Linux 2023 AMIs, never Amazon Linux 2', () => {
      if (mode === 'managed') {
        expect(oneOf(s(), 'AWS::EKS::Nodegroup')[1].Properties.AmiType).toMatch(/^AL2023_/);
      } else {
        const parameters = JSON.stringify(s().json.Parameters);
        expect(parameters).toContain('/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/');
        expect(parameters).not.toMatch(/amazon-linux-2\//);
      }
    });
  }

  test('K3: nodes (or Fargate pods) join the cluster through their role, with no aws-auth ConfigMap', () => {
    if (mode === 'managed') {
      expect(oneOf(s(), 'AWS::EKS::Nodegroup')[1].Properties.NodeRole).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    } else if (mode === 'self-managed') {
      // The instances run as the node role (through its instance profile), and that role has an EC2_LINUX access entry.
      const [, launchTemplate] = oneOf(s(), 'AWS::EC2::LaunchTemplate');
      const profileId = launchTemplate.Properties.LaunchTemplateData.IamInstanceProfile.Arn['Fn::GetAtt'][0];
      const [nodeRole] = s().json.Resources[profileId].Properties.Roles;
      s().template.hasResourceProperties('AWS::EKS::AccessEntry', { Type: 'EC2_LINUX', PrincipalArn: { 'Fn::GetAtt': [nodeRole.Ref, 'Arn'] } });
      // The node security group lets kubelet and the control plane talk.
      expect(resourcesOf(s(), 'AWS::EC2::SecurityGroupIngress').some(([, r]) =>
        JSON.stringify(r.Properties.SourceSecurityGroupId).includes('ClusterSecurityGroupId'))).toBe(true);
    } else if (mode === 'fargate') {
      for (const [, fp] of resourcesOf(s(), 'AWS::EKS::FargateProfile')) {
        expect(fp.Properties.PodExecutionRoleArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
      }
    } else {
      expect(cluster().Properties.ComputeConfig.NodeRoleArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    }
    expect(cluster().Properties.AccessConfig.AuthenticationMode).toBe('API');
    expect(s().objects.some((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'aws-auth')).toBe(false);
  });

  test('K4: a pod of two containers shares an emptyDir volume (and its network namespace)', () => {
    const deployment = objectOf(s().objects, 'Deployment', WEB_APP);
    const pod = deployment.spec.template.spec;
    expect(pod.containers).toHaveLength(2);
    const emptyDirs = pod.volumes.filter((v: any) => v.emptyDir).map((v: any) => v.name);
    const mountedByAll = emptyDirs.filter((name: string) => pod.containers.every((c: any) => c.volumeMounts.some((m: any) => m.name === name)));
    expect(mountedByAll).toEqual(['html']);
    expect(pod.hostNetwork).toBeUndefined();
  });

  test('K5: no bare Pods: Deployments and a Job own every pod', () => {
    const kinds = s().objects.map((o) => o.kind);
    expect(kinds).not.toContain('Pod');
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'Job']));
  });

  test('K6: kube-proxy, vpc-cni and coredns are EKS managed add-ons with pinned versions where the mode runs them', () => {
    const addons = Object.fromEntries(resourcesOf(s(), 'AWS::EKS::Addon').map(([, a]) => [a.Properties.AddonName, a.Properties.AddonVersion]));
    const expected: string[] = ({
      'managed': ['kube-proxy', 'vpc-cni', 'coredns'],
      'self-managed': ['kube-proxy', 'vpc-cni', 'coredns'],
      // Fargate runs kube-proxy and networking inside each pod's micro-VM; CoreDNS runs on Fargate.
      'fargate': ['coredns'],
      // Auto Mode nodes bring kube-proxy, networking and DNS themselves.
      'auto-mode': [],
    } as Record<string, string[]>)[mode];
    for (const name of expected) {
      expect(addons[name]).toMatch(/^v\d+\.\d+\.\d+(-[0-9a-z.]+)?-eksbuild\.\d+$/);
    }
    for (const name of ['kube-proxy', 'vpc-cni', 'coredns'].filter((n) => !expected.includes(n))) {
      expect(addons[name]).toBeUndefined();
    }
  });

  test('K7: a Job with retry and cleanup limits, a Service selecting the Deployment, and a service account bound to an IAM role', () => {
    const job = objectOf(s().objects, 'Job', 'load-content');
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    const service = objectOf(s().objects, 'Service', WEB_APP);
    const deployment = objectOf(s().objects, 'Deployment', WEB_APP);
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    const account = job.spec.template.spec.serviceAccountName;
    objectOf(s().objects, 'ServiceAccount', account);
    if (mode === 'fargate') {
      // Pod Identity does not work for Fargate pods: IRSA.
      expect(objectOf(s().objects, 'ServiceAccount', account).metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^<ContentLoaderRole.*\.Arn>$/);
    } else {
      s().template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'sample', ServiceAccount: account });
    }
  });

  if (!privateCluster) {
    test('K8: public subnets are tagged for internet-facing load balancers, private ones for internal', () => {
      const tagsOf = (ref: any) => Object.fromEntries(s().json.Resources[ref.Ref].Properties.Tags.map((t: any) => [t.Key, t.Value]));
      for (const ref of subnetRefs(s(), 'Public')) expect(tagsOf(ref)['kubernetes.io/role/elb']).toBe('1');
      for (const ref of privateSubnets()) expect(tagsOf(ref)['kubernetes.io/role/internal-elb']).toBe('1');
      expect(subnetRefs(s(), 'Public')).toHaveLength(3);
    });
  } else {
    test('K8 (private): no public subnets; the isolated subnets are tagged for internal load balancers, and the Ingress is internal', () => {
      const tagsOf = (ref: any) => Object.fromEntries(s().json.Resources[ref.Ref].Properties.Tags.map((t: any) => [t.Key, t.Value]));
      expect(subnetRefs(s(), 'Public')).toHaveLength(0);
      expect(privateSubnets()).toHaveLength(3);
      for (const ref of privateSubnets()) expect(tagsOf(ref)['kubernetes.io/role/internal-elb']).toBe('1');
      const ingress = objectOf(s().objects, 'Ingress', WEB_APP);
      expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/scheme']).toBe('internal');
      expect(JSON.stringify([s().objects, helmChartValues(s().template)])).not.toContain('internet-facing');
    });

    test('P1: no path to the internet: no NAT gateway, no internet gateway, no egress-only gateway, a private-only API endpoint', () => {
      const types = new Set(Object.values(s().json.Resources).map((r: any) => r.Type));
      for (const type of ['AWS::EC2::NatGateway', 'AWS::EC2::InternetGateway', 'AWS::EC2::EgressOnlyInternetGateway', 'AWS::EC2::VPCGatewayAttachment']) {
        expect(types.has(type)).toBe(false);
      }
      expect(cluster().Properties.ResourcesVpcConfig).toMatchObject({ EndpointPrivateAccess: true, EndpointPublicAccess: false });
    });

    test('P2: no image from a public registry in any manifest or chart value: every image is pulled through the cache', () => {
      const values = helmChartValues(s().template);
      expect(JSON.stringify([s().objects, values])).not.toMatch(PUBLIC_REGISTRIES);
      const images = s().objects.flatMap((o) => [...(o.spec?.template?.spec?.containers ?? []), ...(o.spec?.template?.spec?.initContainers ?? [])])
        .map((c: any) => c.image);
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) expect(image).toMatch(/^<Ref:AWS::AccountId>\.dkr\.ecr\.[^/]+\.<Ref:AWS::URLSuffix>\/ecr-public\//);
      s().template.hasResourceProperties('AWS::ECR::PullThroughCacheRule', { EcrRepositoryPrefix: 'ecr-public', UpstreamRegistryUrl: 'public.ecr.aws' });
      const charts = resourcesOf(s(), 'Custom::AWSCDK-EKS-HelmChart').map(([, c]) => c.Properties.Chart).sort();
      const cached = values.map((v) => v.image?.repository).sort();
      expect(charts).toEqual({
        'managed': ['aws-load-balancer-controller'],
        'self-managed': ['aws-load-balancer-controller', 'aws-node-termination-handler'],
        'fargate': ['aws-load-balancer-controller'],
        'auto-mode': [],
      }[mode]);
      expect(cached).toHaveLength(charts.length);
      for (const chart of charts) {
        expect(cached.filter((image) => new RegExp(`/ecr-public/(eks|aws-ec2)/${chart}$`).test(image))).toHaveLength(1);
      }
    });

    test('P3: no chart from a public URL: the controller chart (and the self-managed drain\'s) comes from private ECR (Auto Mode needs none)', () => {
      const charts = resourcesOf(s(), 'Custom::AWSCDK-EKS-HelmChart');
      if (mode === 'auto-mode') {
        expect(charts).toHaveLength(0);
        return;
      }
      for (const [, chart] of charts) {
        const repository = JSON.stringify(chart.Properties.Repository);
        expect(repository).not.toMatch(/https?:/);
        expect(chart.Properties.Repository).toEqual({ 'Fn::Join': ['', ['oci://', { Ref: 'AWS::AccountId' }, '.dkr.ecr.', expect.anything(), '.', { Ref: 'AWS::URLSuffix' }, `/charts/${chart.Properties.Chart}`]] });
      }
    });

    test('P4: each interface endpoint has private DNS, one ENI per isolated subnet, and the HTTPS-from-the-VPC security group', () => {
      const endpoints = resourcesOf(s(), 'AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties);
      const interfaces = endpoints.filter((e) => e.VpcEndpointType === 'Interface');
      const services = interfaces.map((e) => e.ServiceName['Fn::Join'][1].slice(-1)[0].replace(/^\./, '')).sort();
      expect(services).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'eks', 'eks-auth', 'elasticfilesystem', 'elasticloadbalancing', 'lambda', 'logs', 'sts']);
      const [sgId, sg] = resourcesOf(s(), 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('NetworkVpcEndpointSecurityGroup'))!;
      const vpcCidr = oneOf(s(), 'AWS::EC2::VPC')[1].Properties.CidrBlock;
      expect(sg.Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: vpcCidr })]);
      for (const e of interfaces) {
        expect(e.PrivateDnsEnabled).toBe(true);
        expect(e.SubnetIds).toEqual(privateSubnets());
        expect(e.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
      }
      const [s3] = endpoints.filter((e) => e.VpcEndpointType === 'Gateway');
      expect(s3.RouteTableIds).toHaveLength(3);
    });

    test('P5: whatever pulls images (node roles, Fargate pod execution roles) may pull through the cache, and nothing more', () => {
      // One managed pull policy, attached to each role that pulls, and no inline grant anywhere.
      const inline = resourcesOf(s(), 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('ecr:BatchImportUpstreamImage'));
      expect(inline).toEqual([]);
      const policies = resourcesOf(s(), 'AWS::IAM::ManagedPolicy').filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('ecr:BatchImportUpstreamImage'));
      expect(policies).toHaveLength(1);
      const roles = policies.flatMap(([, p]) => p.Properties.Roles.map((r: any) => r.Ref));
      const expected = { 'managed': /^ClusterNodeGroupNodeRole/, 'self-managed': /^ClusterSelfManagedNodesNodeRole/, 'fargate': /PodExecutionRole/, 'auto-mode': /^ClusterAutoModeNodeRole/ }[mode]!;
      expect(roles.length).toBe(mode === 'fargate' ? 2 : 1);
      for (const role of roles) expect(role).toMatch(expected);
      for (const [, policy] of policies) {
        const statement = policy.Properties.PolicyDocument.Statement.find((st: any) => JSON.stringify(st.Action).includes('BatchImportUpstreamImage'));
        expect(statement.Action).toEqual(['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository']);
        expect(JSON.stringify(statement.Resource)).toMatch(/:repository\/ecr-public\/\*"/);
      }
    });
  }

  test('K9: an ingress controller serves the alb class, and an Ingress routes to the Service', () => {
    const ingress = objectOf(s().objects, 'Ingress', WEB_APP);
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe(WEB_APP);
    if (mode === 'auto-mode') {
      // Auto Mode's built-in load balancing: its IngressClass, no controller to install.
      expect(objectOf(s().objects, 'IngressClass', 'alb').spec.controller).toBe('eks.amazonaws.com/alb');
      expect(resourcesOf(s(), 'Custom::AWSCDK-EKS-HelmChart')).toHaveLength(0);
    } else {
      // Beside it, self-managed nodes have the node termination handler's chart.
      const controllers = resourcesOf(s(), 'Custom::AWSCDK-EKS-HelmChart').filter(([, c]) => c.Properties.Chart === 'aws-load-balancer-controller');
      expect(controllers).toHaveLength(1);
      // Its own IAM role: Pod Identity on nodes, IRSA on Fargate.
      const roles = resourcesOf(s(), 'AWS::IAM::Role').filter(([id]) => id.startsWith('IngressControllerRole'));
      expect(roles).toHaveLength(1);
    }
  });

  test('K10: a HorizontalPodAutoscaler scales the Deployment, backed by metrics-server', () => {
    const hpa = objectOf(s().objects, 'HorizontalPodAutoscaler', WEB_APP);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: WEB_APP });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    s().template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'metrics-server' });
  });

  test('K11: storage inside a pod is ephemeral: the shared volume is an emptyDir', () => {
    const volumes = objectOf(s().objects, 'Deployment', WEB_APP).spec.template.spec.volumes;
    expect(volumes.find((v: any) => v.name === 'html')).toEqual({ name: 'html', emptyDir: { sizeLimit: '64Mi' } });
  });

  test('K12: persistent volumes outlive pods: EFS (ReadWriteMany) and, off Fargate, EBS (gp3, encrypted, ReadWriteOnce), retained', () => {
    const efsClaim = objectOf(s().objects, 'PersistentVolumeClaim', EFS_CLAIM);
    expect(efsClaim.spec.accessModes).toEqual(['ReadWriteMany']);
    if (mode === 'fargate') {
      // Static provisioning: a retained volume bound to the claim; and no EBS on Fargate.
      const volume = objectOf(s().objects, 'PersistentVolume', EFS_CLAIM);
      expect(volume.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', csi: { driver: 'efs.csi.aws.com' } });
      expect(efsClaim.spec.volumeName).toBe(EFS_CLAIM);
      expect(s().objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === EBS_CLAIM)).toBe(false);
    } else {
      const efsClass = objectOf(s().objects, 'StorageClass', efsClaim.spec.storageClassName);
      expect(efsClass).toMatchObject({ provisioner: 'efs.csi.aws.com', reclaimPolicy: 'Retain', parameters: { provisioningMode: 'efs-ap' } });
    }
    if (MODES_WITH_EBS.includes(mode)) {
      const ebsClaim = objectOf(s().objects, 'PersistentVolumeClaim', EBS_CLAIM);
      expect(ebsClaim.spec.accessModes).toEqual(['ReadWriteOnce']);
      const ebsClass = objectOf(s().objects, 'StorageClass', ebsClaim.spec.storageClassName);
      expect(ebsClass).toMatchObject({
        provisioner: mode === 'auto-mode' ? 'ebs.csi.eks.amazonaws.com' : 'ebs.csi.aws.com',
        reclaimPolicy: 'Retain',
        parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: expect.stringMatching(/^<EbsVolumeKey.*\.Arn>$/) },
      });
    }
  });
  test('C1: the cluster opts out of extended support (STANDARD) and has zonal shift on', () => {
    expect(cluster().Properties.UpgradePolicy).toEqual({ SupportType: 'STANDARD' });
    expect(cluster().Properties.ZonalShiftConfig).toEqual({ Enabled: true });
  });

  test('C2: EC2 nodes run the EKS node monitoring agent, whose signals node auto repair acts on', () => {
    const agents = resourcesOf(s(), 'AWS::EKS::Addon').filter(([, a]) => a.Properties.AddonName === 'eks-node-monitoring-agent');
    expect(agents).toHaveLength(NODE_MODES_WITH_INSTANCES.includes(mode) ? 1 : 0);
    if (mode === 'managed') {
      expect(oneOf(s(), 'AWS::EKS::Nodegroup')[1].Properties.NodeRepairConfig).toEqual({ Enabled: true });
    }
  });
});
