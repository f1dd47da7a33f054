import { Stack } from 'aws-cdk-lib';
import { checkKnownKeys, optionKeys } from '../../lib/private/known-keys';
import { PropErrors } from '../../lib/private/prop-errors';

interface Example {
  readonly kubernetesVersion?: string;
  readonly vpcSubnets?: string;
  readonly natGateways?: number;
  readonly name?: string;
}

const KEYS = optionKeys<Example>({ kubernetesVersion: true, vpcSubnets: true, natGateways: true, name: true });

/** The message of the unknown-key check on `props`, or '' when it passes. */
function problems(props: object): string {
  const errors = new PropErrors(new Stack(), 'Example');
  checkKnownKeys(errors, props, KEYS, 'Example');
  try {
    errors.throwIfAny();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('the unknown-key check', () => {
  test('the key list is the interface\'s, in order', () => {
    expect(KEYS).toEqual(['kubernetesVersion', 'vpcSubnets', 'natGateways', 'name']);
  });

  test('known keys and undefined values pass', () => {
    expect(problems({ kubernetesVersion: '1.36', name: 'x', other: undefined })).toBe('');
  });

  test('an unknown key is named with the allowed list; null counts as given', () => {
    expect(problems({ foo: null })).toMatch(/foo: got 'null'; is not an option of Example; its options are kubernetesVersion, vpcSubnets, natGateways, name$/);
  });

  test('a key another name ends with (an aws-eks-v2 or aws-ec2 prop name) is pointed at it', () => {
    expect(problems({ version: '1.36' })).toMatch(/version: got 'a value'; is not an option of Example \(did you mean 'kubernetesVersion'\?\)/);
    expect(problems({ subnets: [] })).toMatch(/\(did you mean 'vpcSubnets'\?\)/);
  });

  test('the ends-with rule needs at least 4 characters: a 3-letter key is not matched by suffix', () => {
    // 'ame' is a suffix of 'name' but too short to mean it; by edit distance it is 1 away from 'name'
    expect(problems({ ame: 1 })).toMatch(/\(did you mean 'name'\?\)/);
    expect(problems({ nets: 1 })).toMatch(/\(did you mean 'vpcSubnets'\?\)/);
  });

  test('a misspelling within about a third of its length is pointed at the real key, case aside', () => {
    expect(problems({ natGateway: 1 })).toMatch(/\(did you mean 'natGateways'\?\)/);
    expect(problems({ NATGATEWAYS: 1 })).toMatch(/\(did you mean 'natGateways'\?\)/);
  });

  test('a 3-letter suffix is no hint: "ets" ends "vpcSubnets" but means nothing', () => {
    expect(problems({ ets: 1 })).not.toMatch(/did you mean/);
  });

  test('longer keys allow more edits: 3 edits away in a 14-letter key still finds the prop', () => {
    expect(problems({ kubrnetesVrsio: '1.36' })).toMatch(/\(did you mean 'kubernetesVersion'\?\)/);
  });

  test('a key far from every real one gets no guess', () => {
    expect(problems({ clusterLogging: [] })).toMatch(/clusterLogging: got 'a value'; is not an option of Example; its options are/);
    expect(problems({ clusterLogging: [] })).not.toMatch(/did you mean/);
  });

  test('the nearest of several candidates wins', () => {
    expect(problems({ nam: 1 })).toMatch(/\(did you mean 'name'\?\)/);
  });
});
