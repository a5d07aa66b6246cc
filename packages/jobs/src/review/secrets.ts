import { ts } from 'ts-morph';
import { isSecretName, looksRandom, shannonEntropy, type SecretHit } from '@orchestrate/repo';

// The detector itself is shared with the engine's redaction of model requests (one detector, not two).
export {
  ENTROPY_MIN_LENGTH,
  ENTROPY_THRESHOLD,
  isSecretName,
  looksRandom,
  secretPatternHits,
  shannonEntropy,
  type SecretHit,
} from '@orchestrate/repo';

/** String literals with a random-looking value assigned to a secret-like name (variables, properties, assignments, defaults). */
export function secretLiteralHits(sf: ts.SourceFile, lineOf: (pos: number) => number): SecretHit[] {
  const hits: SecretHit[] = [];
  const check = (nameNode: ts.Node | undefined, value: ts.Node | undefined) => {
    if (!nameNode || !value) return;
    if (!ts.isStringLiteral(value) && !ts.isNoSubstitutionTemplateLiteral(value)) return;
    const name = nameOf(nameNode);
    if (name === null || !isSecretName(name) || !looksRandom(value.text)) return;
    hits.push({
      line: lineOf(value.getStart(sf)),
      what: `a random-looking string (${shannonEntropy(value.text).toFixed(1)} bits/char) assigned to \`${name}\``,
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isParameter(node)) {
      check(node.name, node.initializer);
    } else if (ts.isPropertyAssignment(node)) {
      check(node.name, node.initializer);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      check(node.left, node.right);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return hits;
}

/** The name a value is assigned to: `x`, `'x'`, `obj.x`, `obj['x']`; null for anything else. */
function nameOf(node: ts.Node): string | null {
  if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node) || ts.isStringLiteral(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression))
    return node.argumentExpression.text;
  return null;
}
