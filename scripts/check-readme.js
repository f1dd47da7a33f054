#!/usr/bin/env node
// Type-checks every ```ts snippet of README.md and docs/*.md against lib/, so the examples keep
// compiling as the API changes. Each snippet is its own module; the package name maps to lib/.
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json')).name;
const docs = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const snippets = [];
for (const doc of docs) {
  const text = fs.readFileSync(path.join(root, doc), 'utf8');
  for (const m of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    snippets.push({ doc, code: m[1] });
  }
}
if (!snippets.some((s) => s.doc === 'README.md')) {
  console.error('README.md has no ```ts snippets to check');
  process.exit(1);
}

const dir = path.join(root, '.readme-snippets');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir);
const files = snippets.map(({ doc, code }, i) => {
  const file = path.join(dir, `${doc.replace(/[^A-Za-z0-9]/g, '_')}-snippet${i + 1}.ts`);
  fs.writeFileSync(file, `export {};\n${code}`);
  return file;
});

const program = ts.createProgram(files, {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
  typeRoots: [path.join(root, 'node_modules/@types')],
  baseUrl: root,
  paths: { [pkg]: ['lib/index.ts'] },
});
const diagnostics = ts.getPreEmitDiagnostics(program);
for (const d of diagnostics) {
  const where = d.file ? `${path.relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line}` : '';
  console.error(`${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
fs.rmSync(dir, { recursive: true, force: true });
if (diagnostics.length > 0) {
  process.exit(1);
}
const perDoc = docs.map((d) => `${d} ${snippets.filter((s) => s.doc === d).length}`).join(', ');
console.log(`${snippets.length} TypeScript snippets compile (${perDoc})`);
