import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

test('docs/ARCHITECTURE.md names, for every claim E1-E9 and K1-K12, a test that exists in the architecture suite', () => {
  // GIVEN the claims table and the architecture tests
  const doc = read('docs/ARCHITECTURE.md');
  const tests = read('test/sample/architecture.test.ts');
  const rows = [...doc.matchAll(/^\| ([EK]\d+) \|.*\| `(\1: [^`]+)` /gm)];
  // THEN every claim has one row and its test name is a real test
  expect(rows.map((r) => r[1])).toEqual([...Array(9)].map((_, i) => `E${i + 1}`).concat([...Array(12)].map((_, i) => `K${i + 1}`)));
  for (const [, , name] of rows) {
    expect(tests).toContain(`'${name}'`.replace(/^'(.*)'$/, (_, n) => (n.includes("'") ? `"${n}"` : `'${n}'`)));
  }
});
