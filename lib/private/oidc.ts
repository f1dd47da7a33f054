import { CfnJson, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeControlTower } from './acknowledge';
import { tryRead } from './cluster-facts';
import { PropErrors } from './prop-errors';

/**
 * IRSA, for the pods Pod Identity cannot serve: Pod Identity does not work for Fargate pods.
 *
 * The cluster's IAM OIDC provider is whatever the cluster's public `openIdConnectProvider` getter
 * returns, so every construct that needs IRSA, aws-eks-v2's own `addServiceAccount` and user code
 * share one provider: IAM allows one per issuer URL. `EksCluster` turns aws-eks-v2's
 * `@aws-cdk/aws-eks:useNativeOidcProvider` feature flag on for itself, so its getter creates a
 * native `AWS::IAM::OIDCProvider` (`OidcProviderNative`, no custom resource Lambda); on a cluster
 * the user created, the user's flag decides; an imported cluster brings its own
 * (`openIdConnectProvider` of `eks.Cluster.fromClusterAttributes`).
 */

/**
 * Records an error when the cluster cannot give an OIDC provider: an imported cluster that was not
 * given `openIdConnectProvider`. A cluster defined in this app always can (its getter creates the
 * provider), so it is not asked here: asking would create the provider before validation ends.
 * `what` names what needs IRSA.
 */
export function checkOidcProvider(errors: PropErrors, cluster: eks.ICluster, what: string): void {
  if (cluster instanceof eks.Cluster) {
    return;
  }
  errors.check(tryRead(() => cluster.openIdConnectProvider) !== undefined, 'cluster', cluster.node.path,
    `${what} uses IRSA (Pod Identity does not work for Fargate pods), so an imported cluster needs its ` +
    '`openIdConnectProvider`: pass it to eks.Cluster.fromClusterAttributes');
}

/** A principal only `namespace/serviceAccount` of the cluster can assume through IRSA. */
export function irsaPrincipal(scope: Construct, id: string, cluster: eks.ICluster, namespace: string, serviceAccount: string): iam.IPrincipal {
  const provider = cluster.openIdConnectProvider;
  const issuer = provider.openIdConnectProviderIssuer;
  const conditions = new CfnJson(scope, id, {
    value: {
      [`${issuer}:aud`]: 'sts.amazonaws.com',
      [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
    },
  });
  // CfnJson's singleton provider, acknowledged where it is created.
  const cfnUtils = Stack.of(scope).node.tryFindChild('AWSCDKCfnUtilsProviderCustomResourceProvider');
  if (cfnUtils) {
    acknowledgeControlTower(cfnUtils, 'lambda_inside_vpc_check',
      "aws-cdk-lib's CfnJson provider: a CustomResourceProvider Lambda (no VPC setting) that only turns the IRSA trust conditions, whose keys are deploy-time values, into JSON; it calls no API and reaches nothing in the VPC.");
  }
  return new iam.FederatedPrincipal(provider.openIdConnectProviderArn, { StringEquals: conditions }, 'sts:AssumeRoleWithWebIdentity');
}
