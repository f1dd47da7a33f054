import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/** The AWS Load Balancer Controller release this library installs. */
export const LOAD_BALANCER_CONTROLLER_VERSION = 'v3.2.2';

/** The `aws-load-balancer-controller` chart of https://aws.github.io/eks-charts that ships it. */
export const LOAD_BALANCER_CONTROLLER_CHART_VERSION = '3.2.2';

/** The tag the controller puts on every AWS resource it creates, and the policy keys on. */
const CLUSTER_TAG = 'elbv2.k8s.aws/cluster';

/**
 * The IAM policy of the AWS Load Balancer Controller v3.2.2: the statements of the release's
 * `docs/install/iam_policy.json` (the same file aws-cdk-lib bundles as `alb-iam_policy-v3.2.2.json`),
 * with every ARN pattern narrowed from `arn:aws:<service>:*:*:` to this stack's partition, region
 * and account. What still has `Resource: *` is either a read (`Describe*`, `Get*`), an API that
 * takes no resource ARN (`ec2:CreateSecurityGroup`, `elasticloadbalancing:CreateListener`), or is
 * limited by the `elbv2.k8s.aws/cluster` tag conditions. docs/ADDONS.md says how to move versions.
 */
export function loadBalancerControllerPolicyStatements(scope: IConstruct): iam.PolicyStatement[] {
  const { partition, region, account } = Stack.of(scope);
  const arn = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${account}:${resource}`;
  const securityGroups = arn('ec2', 'security-group/*');
  const targetGroups = arn('elasticloadbalancing', 'targetgroup/*/*');
  const loadBalancers = [arn('elasticloadbalancing', 'loadbalancer/net/*/*'), arn('elasticloadbalancing', 'loadbalancer/app/*/*')];
  const requestTagged = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: 'false' } };
  const resourceTagged = { Null: { [`aws:ResourceTag/${CLUSTER_TAG}`]: 'false' } };
  const retagOwned = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: 'true', [`aws:ResourceTag/${CLUSTER_TAG}`]: 'false' } };
  const statement = (actions: string[], resources: string[], conditions?: { [key: string]: any }) =>
    new iam.PolicyStatement({ actions, resources, conditions });

  return [
    statement(['iam:CreateServiceLinkedRole'], ['*'], { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } }),
    statement([
      'ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways',
      'ec2:DescribeVpcs', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
      'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags', 'ec2:GetCoipPoolUsage', 'ec2:DescribeCoipPools',
      'ec2:GetSecurityGroupsForVpc', 'ec2:DescribeIpamPools', 'ec2:DescribeRouteTables',
      'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes',
      'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeListenerCertificates',
      'elasticloadbalancing:DescribeSSLPolicies', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTags',
      'elasticloadbalancing:DescribeTrustStores', 'elasticloadbalancing:DescribeListenerAttributes',
      'elasticloadbalancing:DescribeCapacityReservation',
    ], ['*']),
    statement([
      'cognito-idp:DescribeUserPoolClient', 'acm:ListCertificates', 'acm:DescribeCertificate', 'iam:ListServerCertificates',
      'iam:GetServerCertificate', 'waf-regional:GetWebACL', 'waf-regional:GetWebACLForResource', 'waf-regional:AssociateWebACL',
      'waf-regional:DisassociateWebACL', 'wafv2:GetWebACL', 'wafv2:GetWebACLForResource', 'wafv2:AssociateWebACL',
      'wafv2:DisassociateWebACL', 'shield:GetSubscriptionState', 'shield:DescribeProtection', 'shield:CreateProtection',
      'shield:DeleteProtection',
    ], ['*']),
    statement(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'], ['*']),
    statement(['ec2:CreateSecurityGroup'], ['*']),
    statement(['ec2:CreateTags'], [securityGroups], { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' }, ...requestTagged }),
    statement(['ec2:CreateTags', 'ec2:DeleteTags'], [securityGroups], retagOwned),
    statement(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'], ['*'], resourceTagged),
    statement(['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'], ['*'], requestTagged),
    statement([
      'elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:CreateRule',
      'elasticloadbalancing:DeleteRule',
    ], ['*']),
    statement(['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'], [targetGroups, ...loadBalancers], retagOwned),
    statement(['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'], [
      arn('elasticloadbalancing', 'listener/net/*/*/*'), arn('elasticloadbalancing', 'listener/app/*/*/*'),
      arn('elasticloadbalancing', 'listener-rule/net/*/*/*'), arn('elasticloadbalancing', 'listener-rule/app/*/*/*'),
    ]),
    statement([
      'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetIpAddressType', 'elasticloadbalancing:SetSecurityGroups',
      'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyTargetGroup',
      'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup',
      'elasticloadbalancing:ModifyListenerAttributes', 'elasticloadbalancing:ModifyCapacityReservation', 'elasticloadbalancing:ModifyIpPools',
    ], ['*'], resourceTagged),
    statement(['elasticloadbalancing:AddTags'], [targetGroups, ...loadBalancers], {
      StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'] },
      ...requestTagged,
    }),
    statement(['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], [targetGroups]),
    statement([
      'elasticloadbalancing:SetWebAcl', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:AddListenerCertificates',
      'elasticloadbalancing:RemoveListenerCertificates', 'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:SetRulePriorities',
    ], ['*']),
  ];
}
