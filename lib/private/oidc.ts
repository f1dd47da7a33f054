import { CfnJson } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The ARN and issuer (URL without `https://`) of a cluster's IAM OIDC provider. */
export interface OidcProviderRef {
  readonly arn: string;
  readonly issuer: string;
}

/**
 * The cluster's IAM OIDC provider for IRSA. On a cluster of this app it is a native
 * `AWS::IAM::OIDCProvider` (no custom resource Lambda), created once per cluster under the id
 * aws-eks-v2 uses for its native provider, so every construct that needs IRSA shares it: IAM allows
 * one provider per issuer URL. An imported cluster brings its own (`openIdConnectProvider`).
 *
 * IRSA is only for pods Pod Identity cannot serve: Pod Identity does not work for Fargate pods.
 */
export function oidcProviderOf(cluster: eks.ICluster): OidcProviderRef {
  if (!(cluster instanceof eks.Cluster)) {
    const imported = cluster.openIdConnectProvider;
    return { arn: imported.openIdConnectProviderArn, issuer: imported.openIdConnectProviderIssuer };
  }
  // aws-eks-v2 keeps the provider its `openIdConnectProvider` getter returns in this field. Reuse
  // the one it has; otherwise create the native one and register it there, so a later call of the
  // getter (addServiceAccount, user code) returns ours instead of creating a second provider for
  // the same issuer, which IAM rejects. test/cluster/workload-role.test.ts guards this contract.
  const registry = cluster as unknown as { _openIdConnectProvider?: iam.IOpenIdConnectProvider };
  let provider = registry._openIdConnectProvider
    ?? (cluster.node.tryFindChild('OidcProviderNative') as eks.OidcProviderNative | undefined);
  if (!provider) {
    provider = new eks.OidcProviderNative(cluster, 'OidcProviderNative', { url: cluster.clusterOpenIdConnectIssuerUrl });
    registry._openIdConnectProvider = provider;
  }
  return { arn: provider.openIdConnectProviderArn, issuer: provider.openIdConnectProviderIssuer };
}

/** A principal only `namespace/serviceAccount` of the cluster can assume through IRSA. */
export function irsaPrincipal(scope: Construct, id: string, cluster: eks.ICluster, namespace: string, serviceAccount: string): iam.IPrincipal {
  const provider = oidcProviderOf(cluster);
  const conditions = new CfnJson(scope, id, {
    value: {
      [`${provider.issuer}:aud`]: 'sts.amazonaws.com',
      [`${provider.issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
    },
  });
  return new iam.FederatedPrincipal(provider.arn, { StringEquals: conditions }, 'sts:AssumeRoleWithWebIdentity');
}
