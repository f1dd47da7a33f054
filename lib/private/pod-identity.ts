import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The principal EKS Pod Identity assumes roles as, with the session tags it sets (`sts:TagSession`). */
export function podIdentityPrincipal(): iam.IPrincipal {
  return new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags();
}

/** A role only EKS Pod Identity can assume, with one AWS managed policy (a CSI driver's, the VPC CNI's). */
export function podIdentityRole(scope: Construct, id: string, managedPolicyName: string, description: string): iam.Role {
  return new iam.Role(scope, id, {
    assumedBy: podIdentityPrincipal(),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(managedPolicyName)],
    description,
  });
}
