import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The cluster's IAM OIDC provider for IRSA, as a native `AWS::IAM::OIDCProvider` (no custom
 * resource Lambda). Created once per cluster, under the same id aws-eks-v2 uses for its native
 * provider, so every construct that needs IRSA shares it: IAM allows one provider per issuer URL.
 *
 * IRSA is only for pods Pod Identity cannot serve: Pod Identity does not work for Fargate pods.
 */
export function nativeOidcProvider(cluster: eks.Cluster): iam.IOidcProvider {
  const existing = cluster.node.tryFindChild('OidcProviderNative') as iam.IOidcProvider | undefined;
  return existing ?? new eks.OidcProviderNative(cluster, 'OidcProviderNative', { url: cluster.clusterOpenIdConnectIssuerUrl });
}
