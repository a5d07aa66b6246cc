import { it } from 'vitest';
import { ts } from 'ts-morph';
import { proveFormattingOnly } from '../src/format-proof.js';

it('dbg', async () => {
  const a = 'const x = <div>\n  <h1>{title}</h1> <span>hi</span>\n</div>';
  const b = 'const x = (\n  <div>\n    <h1>{title}</h1>{" "}\n    <span>hi</span>\n  </div>\n);';
  console.log(proveFormattingOnly('a.tsx', a, b));
  for (const t of [a, b]) {
    const sf = ts.createSourceFile('a.tsx', t, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    const w = (n: ts.Node, d: number): void => { console.log(' '.repeat(d) + ts.SyntaxKind[n.kind], JSON.stringify(n.getText(sf).slice(0, 20)), n.parent ? ts.SyntaxKind[n.parent.kind] : ''); for (const c of n.getChildren(sf)) w(c, d + 1); };
    w(sf, 0);
  }
});
