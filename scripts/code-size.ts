// Prints the largest source files and functions of the tree (TypeScript and the scripts of Svelte files),
// the figures the "no file over ~300 lines" rule is checked by. Usage: tsx scripts/code-size.ts [dir] [count]
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(process.argv[2] ?? '.');
const count = Number(process.argv[3] ?? 10);
const files = execFileSync('git', ['ls-files', '*.ts', '*.svelte'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('dist/'));

const fileSizes: Array<[string, number]> = [];
const functionSizes: Array<[string, number]> = [];

for (const file of files) {
  const text = readFileSync(path.join(root, file), 'utf8');
  fileSizes.push([file, text.split('\n').length - (text.endsWith('\n') ? 1 : 0)]);
  const script = file.endsWith('.svelte') ? (/<script[^>]*>([\s\S]*?)<\/script>/.exec(text)?.[1] ?? '') : text;
  const source = ts.createSourceFile(file, script, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : node.name && ts.isPrivateIdentifier(node.name) ? node.name.text : '(anonymous)';
      // describe()/it() callbacks are test bodies, not functions anyone calls.
      const inTest = /\.(test|spec)\.ts$/.test(file) && name === '(anonymous)';
      if (!inTest) functionSizes.push([`${file}:${start + 1} ${name}`, end - start + 1]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

const top = (list: Array<[string, number]>) => [...list].sort((a, b) => b[1] - a[1]).slice(0, count);
console.log(`largest files (lines), of ${files.length}:`);
for (const [name, lines] of top(fileSizes)) console.log(`  ${String(lines).padStart(5)}  ${name}`);
console.log('largest functions (lines):');
for (const [name, lines] of top(functionSizes)) console.log(`  ${String(lines).padStart(5)}  ${name}`);
