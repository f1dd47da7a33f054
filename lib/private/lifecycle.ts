import { Annotations, CfnResource, Lazy, RemovalPolicy, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { warningId } from './warnings';

/**
 * Warning ids of the lifecycle. Stable: users acknowledge them by id
 * (`Annotations.of(scope).acknowledgeWarning(id, reason)`).
 */
export const WARN_DESTROY = warningId('removal-policy-destroy');
export const WARN_NODEGROUP_NAME = warningId('explicit-nodegroup-name');
export const WARN_FARGATE_PROFILE_NAME = warningId('explicit-fargate-profile-name');
export const WARN_NO_DRAIN = warningId('self-managed-nodes-without-drain');

/**
 * Warns that `removalPolicy: DESTROY` deletes `what` with the stack. Legal (throw-away stacks),
 * risky (data and the cluster go with a `cdk destroy` or a logical-ID change).
 */
export function warnIfDestroyed(scope: IConstruct, removalPolicy: RemovalPolicy | undefined, what: string): void {
  if (removalPolicy === RemovalPolicy.DESTROY) {
    Annotations.of(scope).addWarningV2(WARN_DESTROY,
      `removalPolicy is DESTROY: ${what} will be deleted with the stack (cdk destroy) or when replaced. ` +
      'Meant for throw-away stacks; keep RETAIN (the default) for anything you cannot rebuild, or acknowledge this warning.');
  }
}

/**
 * Warns that an explicit physical name makes a change to a create-only property fail: CloudFormation
 * creates the replacement first, under the same name, and EKS answers "already exists".
 */
export function warnIfNamed(scope: IConstruct, warningId: string, prop: string, name: string | undefined): void {
  if (name !== undefined) {
    Annotations.of(scope).addWarningV2(warningId,
      `${prop} is set${Token.isUnresolved(name) ? '' : ` ('${name}')`}: a later change to a property that replaces the resource ` +
      '(instance types, subnets, AMI type, labels of a Fargate selector, ...) fails with AlreadyExists, because CloudFormation creates the ' +
      `replacement under the same name before deleting the old one. Leave ${prop} unset to let CloudFormation name it, or acknowledge this warning.`);
  }
}

/**
 * Applies `removalPolicy` to every CloudFormation resource under `scope` except those `skip`
 * returns true for.
 */
export function applyRemovalPolicyUnder(scope: IConstruct, removalPolicy: RemovalPolicy, skip: (r: CfnResource) => boolean): void {
  for (const child of scope.node.findAll()) {
    if (CfnResource.isCfnResource(child) && !skip(child)) {
      child.applyRemovalPolicy(removalPolicy);
    }
  }
}

/**
 * Makes `resource` stop waiting for everything under `scope` that it does not reference: its
 * `DependsOn` keeps every other dependency. For the control plane, which aws-eks-v2 makes wait for
 * the whole VPC (NAT gateways, routes, flow logs) although it needs only its subnets, which it
 * references (so it still waits for them and is still deleted before them).
 */
export function dropDependenciesOn(resource: CfnResource, scope: IConstruct): void {
  const prefix = `${scope.node.path}/`;
  resource.addOverride('DependsOn', Lazy.list({
    produce: () => resource.obtainDependencies()
      .filter((d): d is CfnResource => CfnResource.isCfnResource(d) && !d.node.path.startsWith(prefix))
      .sort((a, b) => a.node.path.localeCompare(b.node.path))
      .map((d) => d.logicalId),
  }, { omitEmpty: true }));
}
