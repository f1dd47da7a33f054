import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CustomerVpc } from '../../lib/network/customer-vpc';
import { awsSolutionsFindings, newStack } from '../helpers/synth';

describe('CustomerVpc defaults', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    // GIVEN a stack WHEN a CustomerVpc is added with no props
    stack = newStack();
    new CustomerVpc(stack, 'Network');
    template = Template.fromStack(stack);
  });

  test('creates exactly one VPC, with DNS support and hostnames (private endpoints need both)', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true });
  });

  test('spans 3 AZs: a public and a private subnet in each, AZs resolved at deploy time without lookups', () => {
    const subnets = template.findResources('AWS::EC2::Subnet');
    expect(Object.keys(subnets)).toHaveLength(6);
    const azIndexes = Object.values(subnets).map((s: any) => s.Properties.AvailabilityZone['Fn::Select'][0]);
    expect(azIndexes.sort()).toEqual([0, 0, 1, 1, 2, 2]);
  });

  test('tags public subnets for internet-facing and private subnets for internal load balancers', () => {
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet')) as any[];
    const tagsOf = (s: any) => Object.fromEntries(s.Properties.Tags.map((t: any) => [t.Key, t.Value]));
    const publics = subnets.filter((s) => tagsOf(s)['aws-cdk:subnet-type'] === 'Public');
    const privates = subnets.filter((s) => tagsOf(s)['aws-cdk:subnet-type'] === 'Private');
    expect(publics).toHaveLength(3);
    expect(privates).toHaveLength(3);
    for (const s of publics) {
      expect(tagsOf(s)['kubernetes.io/role/elb']).toBe('1');
      expect(tagsOf(s)['kubernetes.io/role/internal-elb']).toBeUndefined();
    }
    for (const s of privates) {
      expect(tagsOf(s)['kubernetes.io/role/internal-elb']).toBe('1');
      expect(s.Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  test('no subnet auto-assigns public IPs', () => {
    for (const s of Object.values(template.findResources('AWS::EC2::Subnet')) as any[]) {
      expect(s.Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  test('has one NAT gateway per AZ', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('sends all flow logs to a KMS-encrypted log group with one year retention, retained on delete', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowLogKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the flow log key rotates, is retained, and lets only CloudWatch Logs of this account use it', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'AllowCloudWatchLogs',
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          })]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('restricts the default security group', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('has no VPC endpoints unless it is built for a private cluster', () => {
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('cdk-nag AwsSolutions finds nothing', () => {
    expect(awsSolutionsFindings(stack)).toEqual([]);
  });
});

describe('CustomerVpc options', () => {
  test('a single NAT gateway for cost', () => {
    const stack = newStack();
    new CustomerVpc(stack, 'Network', { natGateways: 1 });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('pinned Availability Zones and CIDR', () => {
    const stack = newStack();
    new CustomerVpc(stack, 'Network', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], cidr: '10.20.0.0/16' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.20.0.0/16' });
    const azs = Object.values(template.findResources('AWS::EC2::Subnet')).map((s: any) => s.Properties.AvailabilityZone);
    expect([...new Set(azs)].sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
  });

  test.each([
    ['10.0.0.0/16', 19, 24],
    ['10.1.0.0/18', 21, 26],
    ['172.16.0.0/20', 23, 28],
  ])('subnet sizes follow the VPC CIDR %s: private /%d, public /%d', (cidr, privateMask, publicMask) => {
    const stack = newStack();
    new CustomerVpc(stack, 'Network', { cidr });
    const masks = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Subnet')).map((s: any) => {
      const type = s.Properties.Tags.find((t: any) => t.Key === 'aws-cdk:subnet-type').Value;
      return `${type}/${s.Properties.CidrBlock.split('/')[1]}`;
    });
    expect(masks.sort()).toEqual([...Array(3).fill(`Private/${privateMask}`), ...Array(3).fill(`Public/${publicMask}`)]);
  });

  test('flow log retention and removal policy', () => {
    const stack = newStack();
    new CustomerVpc(stack, 'Network', { flowLogRetention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  describe('private cluster', () => {
    let stack: Stack;
    let template: Template;
    let network: CustomerVpc;
    beforeAll(() => {
      stack = newStack();
      network = new CustomerVpc(stack, 'Network', { privateCluster: true });
      template = Template.fromStack(stack);
    });

    test('has isolated subnets only: no internet gateway, no NAT, no public subnets', () => {
      template.resourceCountIs('AWS::EC2::InternetGateway', 0);
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::Subnet', 3);
      expect(network.vpc.isolatedSubnets).toHaveLength(3);
      expect(network.privateCluster).toBe(true);
      expect(network.vpcSubnets.subnetType).toBe(ec2.SubnetType.PRIVATE_ISOLATED);
    });

    test('has an S3 gateway endpoint in the isolated route tables, and exactly the interface endpoints a component calls', () => {
      // GIVEN the private cluster VPC THEN S3 is a gateway endpoint on every isolated subnet's route table
      const routeTables = Object.values(template.findResources('AWS::EC2::Subnet')).length;
      const [gateway] = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } })) as any[];
      expect(gateway.Properties.ServiceName).toEqual({ 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] });
      expect(gateway.Properties.RouteTableIds).toHaveLength(routeTables);
      // AND the interface endpoints are the callers' list: no autoscaling, ssm or kms, which nothing calls
      const services = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))
        .map((e: any) => serviceSuffix(e.Properties.ServiceName));
      expect(services.sort()).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'eks', 'eks-auth', 'elasticfilesystem', 'elasticloadbalancing', 'lambda', 'logs', 'sts']);
    });

    test('every interface endpoint has private DNS, one ENI per AZ in the isolated subnets, and the HTTPS-only security group', () => {
      // Without private DNS, nodes resolve the public service names and never join.
      const isolated = network.vpc.isolatedSubnets.map((s) => stack.resolve(s.subnetId));
      const [sgId] = Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('AWS service endpoints') } }));
      const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } })) as any[];
      expect(endpoints).toHaveLength(10);
      for (const e of endpoints) {
        expect(e.Properties.PrivateDnsEnabled).toBe(true);
        expect(e.Properties.SubnetIds).toEqual(isolated);
        expect(e.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
      }
    });

    test('interface endpoints accept HTTPS from inside the VPC only, and send nothing', () => {
      const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('AWS service endpoints') } })) as any[];
      expect(group.Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ FromPort: 443, ToPort: 443, IpProtocol: 'tcp', CidrIp: '10.0.0.0/16' })]);
      expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
    });

    test('cdk-nag AwsSolutions finds nothing', () => {
      expect(awsSolutionsFindings(stack)).toEqual([]);
    });
  });

  test('additionalInterfaceEndpoints adds opt-in endpoints (Session Manager) with the same subnets, group and private DNS', () => {
    // GIVEN a private cluster VPC that asks for SSM WHEN synthesized THEN SSM joins the set, configured like the others
    const stack = newStack();
    new CustomerVpc(stack, 'Network', { privateCluster: true, additionalInterfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SSM] });
    const template = Template.fromStack(stack);
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } })) as any[];
    const ssm = endpoints.filter((e) => serviceSuffix(e.Properties.ServiceName) === 'ssm');
    expect(ssm).toHaveLength(1);
    expect(ssm[0].Properties).toMatchObject({ PrivateDnsEnabled: true, SubnetIds: endpoints[0].Properties.SubnetIds, SecurityGroupIds: endpoints[0].Properties.SecurityGroupIds });
    expect(endpoints).toHaveLength(11);
  });

  test('an existing VPC is used as it is, with no new VPC or flow log', () => {
    const stack = newStack();
    const existing = new ec2.Vpc(stack, 'Existing', { maxAzs: 2, natGateways: 1 });
    const network = new CustomerVpc(stack, 'Network', { vpc: existing });
    expect(network.vpc).toBe(existing);
    expect(network.flowLogGroup).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPC', 1);
    Template.fromStack(stack).resourceCountIs('AWS::EC2::FlowLog', 0);
  });

  test('an imported VPC whose AZs are tokens is not falsely rejected', () => {
    const stack = newStack();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-1234',
      availabilityZones: ['a', 'b'],
      privateSubnetIds: ['subnet-1', 'subnet-2'],
    });
    const network = new CustomerVpc(stack, 'Network', { vpc: imported });
    expect(network.vpc.privateSubnets.map((s) => s.subnetId)).toEqual(['subnet-1', 'subnet-2']);
  });
});

describe('CustomerVpc bad input', () => {
  const build = (props: ConstructorParameters<typeof CustomerVpc>[2]) => () => new CustomerVpc(newStack(), 'Network', props);

  test('fewer than 2 AZs', () => {
    expect(build({ maxAzs: 1 })).toThrow(/CustomerVpc at 'Test\/Network'[\s\S]*maxAzs: got 1; must be a whole number from 2 to 6/);
  });

  test('a single pinned AZ', () => {
    expect(build({ availabilityZones: ['eu-west-1a'] })).toThrow(/availabilityZones: got \["eu-west-1a"\]; EKS needs subnets in at least 2/);
  });

  test('a malformed CIDR', () => {
    expect(build({ cidr: '10.0.0.0/33' })).toThrow(/cidr: got '10.0.0.0\/33'; must be an IPv4 CIDR block from \/16 to \/20/);
  });

  test('more NAT gateways than AZs', () => {
    expect(build({ natGateways: 4 })).toThrow(/natGateways: got 4; must be a whole number from 1 to 3/);
  });

  test('NAT gateways on a private cluster', () => {
    expect(build({ privateCluster: true, natGateways: 1 })).toThrow(/natGateways: got 1; a private cluster has no NAT gateways/);
  });

  test('additional endpoints without a private cluster', () => {
    expect(build({ additionalInterfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SSM] }))
      .toThrow(/additionalInterfaceEndpoints: got 'endpoints'; only a private cluster \(privateCluster: true\) gets VPC endpoints/);
    expect(build({ privateCluster: true, additionalInterfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SSM] })).not.toThrow();
  });

  test('an existing VPC together with props that create one', () => {
    const stack = newStack();
    const existing = new ec2.Vpc(stack, 'Existing', { maxAzs: 2 });
    expect(() => new CustomerVpc(stack, 'Network', { vpc: existing, maxAzs: 3, natGateways: 1 }))
      .toThrow(/vpc: got 'an existing VPC'; cannot be combined with props that create a VPC \(maxAzs, natGateways\)/);
  });

  test('an existing VPC with no private subnets', () => {
    const stack = newStack();
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new CustomerVpc(stack, 'Network', { vpc: publicOnly })).toThrow(/vpc: got 'no subnets'; nodes and the control plane need private subnets in at least 2 Availability Zones/);
  });

  test('an existing VPC with private subnets in one AZ only', () => {
    const stack = newStack();
    const oneAz = ec2.Vpc.fromVpcAttributes(stack, 'OneAz', {
      vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1'],
    });
    expect(() => new CustomerVpc(stack, 'Network', { vpc: oneAz })).toThrow(/vpc: got 'subnets in eu-west-1a'; nodes and the control plane need subnets in at least 2 Availability Zones/);
  });

  test('every problem is reported at once', () => {
    expect(build({ maxAzs: 1, cidr: 'nope' })).toThrow(/maxAzs[\s\S]*cidr/);
  });
});

/** `ecr.api` from `com.amazonaws.<region>.ecr.api`, written as an Fn::Join or a plain string. */
function serviceSuffix(name: any): string {
  const last: string = typeof name === 'string' ? name : name['Fn::Join'][1].slice(-1)[0];
  return last.replace(/^(com\.amazonaws\.[a-z0-9-]+)?\./, '');
}

test('an unknown prop names the nearest real one', () => {
  // GIVEN a plain-JavaScript caller with an aws-cdk-lib prop name
  const stack = newStack();
  // THEN it is refused, naming the prop of CustomerVpc it meant
  expect(() => new CustomerVpc(stack, 'Network', { ipAddresses: '10.0.0.0/16', natGateway: 1 } as any))
    .toThrow(/ipAddresses: got 'a value'; is not an option of CustomerVpc; its options are vpc, maxAzs[\s\S]*natGateway: got 'a value'; is not an option of CustomerVpc \(did you mean 'natGateways'\?\)/);
});
