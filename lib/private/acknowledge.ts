import { Stack, Token, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on one construct (and the resources under it), with a reason a
 * reviewer can check. One id per call: `RuleId` or `RuleId[FindingId]`.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  // Once per construct: a stack-level singleton may be acknowledged by every construct that uses it.
  const recorded = scope.node.metadata.some((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    && Object.keys(m.data ?? {}).some((key) => key === id || key.endsWith(`::${id}`)));
  if (!recorded) {
    Validations.of(scope).acknowledge({ id, reason });
  }
}

/**
 * The stack's region, account and partition as cdk-nag writes them in a finding id: `<AWS::Region>`
 * for an environment-agnostic stack, the literal (`eu-west-1`) for one with a concrete environment.
 * Finding ids built with these match in both, so an acknowledgement holds in every user's app.
 */
export function findingEnv(scope: IConstruct): { region: string; account: string; partition: string } {
  const stack = Stack.of(scope);
  const render = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
  return {
    region: render(stack.region, 'Region'),
    account: render(stack.account, 'AccountId'),
    partition: render(stack.partition, 'Partition'),
  };
}

/** The cdk-nag compliance packs besides AwsSolutions, by the prefix of their rule ids. */
export const NIST = 'NIST.800.53.R5';
export const HIPAA = 'HIPAA.Security';
export const PCI = 'PCI.DSS.321';

/**
 * Acknowledges the same rule of several cdk-nag packs on one construct (`NIST.800.53.R5-<rule>`,
 * ...): one finding id per pack, each with the reason.
 */
export function acknowledgeInPacks(scope: IConstruct, packs: readonly string[], rule: string, reason: string): void {
  for (const pack of packs) {
    acknowledge(scope, `${pack}-${rule}`, reason);
  }
}

/**
 * Acknowledges one AWS Control Tower proactive-control Guard rule (as `@cdklabs/cdk-validator-cfnguard`
 * names it, such as `lambda_inside_vpc_check`) on one construct.
 */
export function acknowledgeControlTower(scope: IConstruct, rule: string, reason: string): void {
  acknowledge(scope, `cdk-validator-cfnguard::${rule}`, reason);
}
