import * as fs from 'fs';
import * as path from 'path';
import { readmeWithTable } from '../scripts/acknowledgements';

test('the README lists every acknowledged finding of the sample stack, with its reason (regenerate: node --import tsx scripts/acknowledgements.ts --write)', () => {
  // GIVEN the README WHEN its acknowledgements table is regenerated from the constructs THEN nothing changes
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  expect(readmeWithTable(readme)).toBe(readme);
  expect(readme).toMatch(/\| `AwsSolutions-IAM5\[Resource::\*\]` \| `EksArchitecture\/Default\/Ingress\/ControllerPolicy` \| managed, self-managed, fargate \|/);
});
