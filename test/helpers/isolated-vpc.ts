import { Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { PRIVATE_CLUSTER_ENDPOINTS } from '../../lib/private/endpoints';
import { INTERNAL_ELB_TAG } from '../../lib/private/subnets';

/**
 * A bring-your-own VPC with isolated subnets only in 2 AZs (tagged for internal load balancers)
 * and every endpoint CustomerVpc builds for a private cluster, except the services in `without`.
 */
export function isolatedVpc(scope: Construct, id: string, without: string[] = []): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, id, { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  for (const need of PRIVATE_CLUSTER_ENDPOINTS.filter((n) => !without.includes(n.service))) {
    if (need.gateway) {
      vpc.addGatewayEndpoint(need.id, { service: ec2.GatewayVpcEndpointAwsService.S3 });
    } else {
      vpc.addInterfaceEndpoint(need.id, { service: new ec2.InterfaceVpcEndpointAwsService(need.service) });
    }
  }
  Tags.of(vpc).add(INTERNAL_ELB_TAG, '1');
  return vpc;
}
