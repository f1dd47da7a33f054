import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { PropErrors } from './prop-errors';
import { isIsolatedOnly } from './subnets';

/**
 * The one place that knows which AWS service endpoints a private cluster (isolated subnets, no
 * NAT, no internet gateway) needs, and who calls each one from inside the VPC. CustomerVpc builds
 * exactly these; components check a VPC defined in the app for the ones they need
 * (`checkVpcEndpoints`). docs/PRIVATE-CLUSTERS.md explains every entry.
 */
export interface VpcEndpointNeed {
  /** The part of the service name after `com.amazonaws.<region>.`, such as `ecr.api`. */
  readonly service: string;
  /** The id CustomerVpc gives the endpoint (`<Id>Endpoint`). */
  readonly id: string;
  /** Gateway (S3) or interface endpoint. */
  readonly gateway: boolean;
  /** Who calls the service from inside the VPC. */
  readonly callers: string;
}

const need = (service: string, id: string, callers: string, gateway = false): VpcEndpointNeed => ({ service, id, callers, gateway });

/** The endpoints a private cluster's components call, by service. */
export const ENDPOINTS = {
  /** Image layers of every ECR pull (ECR stores them in S3), chart assets and custom resource responses. */
  S3: need('s3', 'S3', 'image layers of every ECR pull, the kubectl provider (chart assets, CloudFormation responses)', true),
  /** Registry API: authentication and image manifests; pull-through cache imports. */
  ECR_API: need('ecr.api', 'EcrApi', 'the kubelet and Fargate (ECR authentication, pull-through cache imports), the kubectl provider (OCI charts in private ECR)'),
  /** Docker registry API of ECR: manifests and layer URLs. */
  ECR_DKR: need('ecr.dkr', 'EcrDkr', 'the kubelet and Fargate (image pulls), the kubectl provider (OCI charts in private ECR)'),
  /** EC2 API: VPC CNI IP allocation, node DNS names, EBS attachment, load balancer subnet discovery. */
  EC2: need('ec2', 'Ec2', 'the VPC CNI (ENIs and IPs), the EKS optimized AMI (node name), the EBS CSI driver, the AWS Load Balancer Controller'),
  /** STS: IRSA (Fargate), and the kubectl provider assuming its role. */
  STS: need('sts', 'Sts', 'IRSA (AssumeRoleWithWebIdentity, Fargate pods), the kubectl provider (aws eks get-token --role-arn)'),
  /** EKS API: the kubectl provider describes the cluster; nodeadm looks the cluster up. */
  EKS: need('eks', 'Eks', 'the kubectl provider (aws eks update-kubeconfig), node bootstrap (nodeadm DescribeCluster)'),
  /** EKS Auth: Pod Identity credentials. */
  EKS_AUTH: need('eks-auth', 'EksAuth', 'the EKS Pod Identity Agent (AssumeRoleForPodIdentity) for every Pod Identity role'),
  /** Elastic Load Balancing: the AWS Load Balancer Controller creates ALBs and target groups. */
  ELASTIC_LOAD_BALANCING: need('elasticloadbalancing', 'ElasticLoadBalancing', 'the AWS Load Balancer Controller'),
  /** EFS: the EFS CSI driver creates access points. */
  ELASTIC_FILESYSTEM: need('elasticfilesystem', 'ElasticFileSystem', 'the EFS CSI driver (access points for dynamic provisioning)'),
  /** Lambda: the kubectl provider framework invokes its handler. */
  LAMBDA: need('lambda', 'Lambda', 'the kubectl provider framework (invokes the kubectl handler)'),
  /** CloudWatch Logs: Fargate logging. */
  LOGS: need('logs', 'Logs', "Fargate logging (the Fluent Bit log router of Fargate pods)"),
} as const;

/** The endpoints CustomerVpc builds for a private cluster, S3 gateway first. */
export const PRIVATE_CLUSTER_ENDPOINTS: VpcEndpointNeed[] = [
  ENDPOINTS.S3, ENDPOINTS.ECR_API, ENDPOINTS.ECR_DKR, ENDPOINTS.EC2, ENDPOINTS.STS, ENDPOINTS.EKS, ENDPOINTS.EKS_AUTH,
  ENDPOINTS.ELASTIC_LOAD_BALANCING, ENDPOINTS.ELASTIC_FILESYSTEM, ENDPOINTS.LAMBDA, ENDPOINTS.LOGS,
];

/**
 * What nodes need to join and pull images in any node mode: registry, layers, EC2, and the EKS
 * API. A generic "isolated VPC lacks what nodes need" rule should take this list.
 */
export const NODE_ENDPOINTS: VpcEndpointNeed[] = [ENDPOINTS.S3, ENDPOINTS.ECR_API, ENDPOINTS.ECR_DKR, ENDPOINTS.EC2, ENDPOINTS.EKS];

/** What the kubectl provider (Helm charts and manifests) calls from the VPC's private subnets. */
export const KUBECTL_PROVIDER_ENDPOINTS: VpcEndpointNeed[] = [ENDPOINTS.LAMBDA, ENDPOINTS.EKS, ENDPOINTS.STS, ENDPOINTS.S3];

/** The interface endpoint service of a need, for `vpc.addInterfaceEndpoint`. */
export function interfaceService(endpoint: VpcEndpointNeed): ec2.InterfaceVpcEndpointAwsService {
  return new ec2.InterfaceVpcEndpointAwsService(endpoint.service);
}

/**
 * The services (`ecr.api`, `s3`, ...) of the VPC endpoints defined in this app for `vpc`, or
 * undefined when the VPC is not defined in this app (imported: its endpoints cannot be read).
 */
export function readableEndpointServices(vpc: ec2.IVpc): Set<string> | undefined {
  if (!(vpc.node.defaultChild instanceof ec2.CfnVPC)) {
    return undefined;
  }
  const stack = Stack.of(vpc);
  const services = new Set<string>();
  for (const c of vpc.node.root.node.findAll()) {
    if (c instanceof ec2.CfnVPCEndpoint && c.vpcId === vpc.vpcId) {
      const service = serviceOf(stack.resolve(c.serviceName));
      if (service) {
        services.add(service);
      }
    }
  }
  return services;
}

/** `ecr.api` from `com.amazonaws.<region>.ecr.api`, written literally or as an Fn::Join. */
function serviceOf(name: unknown): string | undefined {
  const text = typeof name === 'string' ? name
    : Array.isArray((name as any)?.['Fn::Join']?.[1]) ? (name as any)['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : '<region>')).join('')
      : undefined;
  return text?.match(/^com\.amazonaws\.(?:<region>|[a-z]{2}(?:-[a-z]+)+-\d)\.(.+)$/)?.[1];
}

/**
 * The problem of a VPC defined in this app that has isolated subnets only and lacks endpoints
 * `component` needs, as a list of messages for `node.addValidation` (so endpoints added after the
 * component count). VPCs with egress, and imported VPCs, pass.
 */
export function checkVpcEndpoints(scope: IConstruct, constructName: string, prop: string, vpc: ec2.IVpc,
  component: string, needs: VpcEndpointNeed[]): string[] {
  if (!isIsolatedOnly(vpc)) {
    return [];
  }
  const present = readableEndpointServices(vpc);
  if (present === undefined) {
    return [];
  }
  const missing = needs.filter((n) => !present.has(n.service));
  if (missing.length === 0) {
    return [];
  }
  const errors = new PropErrors(scope, constructName);
  errors.add(prop, `VPC ${vpc.node.path} with isolated subnets only and no ${missing.map((m) => `'${m.service}'`).join(', ')} endpoint`,
    `${component} calls ${missing.map((m) => `${m.service} (${m.callers})`).join('; ')} and has no other way out; ` +
    `add ${missing.map((m) => (m.gateway ? `a gateway endpoint for ${m.service}` : `an interface endpoint com.amazonaws.<region>.${m.service} with private DNS`)).join(', ')} ` +
    '(CustomerVpc({ privateCluster: true }) builds them all)');
  try {
    errors.throwIfAny();
  } catch (e) {
    return [(e as Error).message];
  }
  return [];
}

/** Whether a chart repository URL is an OCI repository in private ECR (tokens count as private). */
export function isPrivateEcrOci(url: string): boolean {
  if (Token.isUnresolved(url)) {
    return true;
  }
  return /^oci:\/\/(\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//.test(url);
}
