import * as api from '../lib';

test('the package exports only classes and enums, as jsii needs (no plain functions or constants)', () => {
  // GIVEN everything lib/index.ts exports
  const offenders = Object.entries(api).filter(([, value]) => {
    if (typeof value === 'function') {
      return !/^class\b/.test(Function.prototype.toString.call(value));
    }
    // A TypeScript enum compiles to an object of string or number members.
    const isEnum = typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string' || typeof v === 'number');
    return !isEnum;
  }).map(([name]) => name);
  // THEN none is a plain function or constant
  expect(offenders).toEqual([]);
  // AND the constructs of the architecture are there
  expect(Object.keys(api)).toEqual(expect.arrayContaining([
    'CustomerVpc', 'EksCluster', 'NodeMode', 'NodeModeType', 'ManagedNodeGroup', 'SelfManagedNodes', 'FargateProfile',
    'CoreAddons', 'AddonVersions', 'KubernetesVersions', 'EbsCsiStorage', 'EfsCsiStorage', 'FsxLustreCsiStorage', 'AlbIngress', 'WorkloadRole',
  ]));
});
