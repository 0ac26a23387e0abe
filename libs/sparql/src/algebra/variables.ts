import { BNODE_VAR_PREFIX, type Expr, type Op, type Path, type PatternTerm } from './algebra';

let hiddenCounter = 0;

/** A fresh variable name that cannot clash with user variables and is never projected by `*`. */
export function hiddenVariableName(hint = 'v'): string {
  return `${BNODE_VAR_PREFIX}${hint}_${hiddenCounter++}`;
}

export function isHiddenVariable(name: string): boolean {
  return name.startsWith(BNODE_VAR_PREFIX);
}

function addTermVar(t: PatternTerm, out: Set<string>): void {
  if (t.termType === 'Variable') out.add(t.value);
}

/** In-scope variables of an operator (SPARQL 1.1 §18.2.1), including hidden ones. */
export function inScopeVariables(op: Op, out: Set<string> = new Set()): Set<string> {
  switch (op.type) {
    case 'bgp':
      for (const t of op.patterns) {
        addTermVar(t.s, out);
        addTermVar(t.p, out);
        addTermVar(t.o, out);
      }
      break;
    case 'path':
      addTermVar(op.s, out);
      addTermVar(op.o, out);
      break;
    case 'join':
    case 'leftJoin':
    case 'union':
      inScopeVariables(op.left, out);
      inScopeVariables(op.right, out);
      break;
    case 'minus':
      inScopeVariables(op.left, out);
      break;
    case 'filter':
    case 'orderBy':
    case 'distinct':
    case 'reduced':
    case 'slice':
      inScopeVariables(op.input, out);
      break;
    case 'extend':
      inScopeVariables(op.input, out);
      out.add(op.variable);
      break;
    case 'values':
      op.variables.forEach((v) => out.add(v));
      break;
    case 'graph':
    case 'service':
      if (op.name.termType === 'Variable') out.add(op.name.value);
      inScopeVariables(op.input, out);
      break;
    case 'group':
      op.keys.forEach((k) => out.add(k.variable));
      op.aggregates.forEach((a) => out.add(a.variable));
      break;
    case 'project':
      op.variables.forEach((v) => out.add(v));
      break;
  }
  return out;
}

/** Variables an expression mentions (not looking inside EXISTS). */
export function expressionVariables(expr: Expr, out: Set<string> = new Set()): Set<string> {
  switch (expr.type) {
    case 'var':
      out.add(expr.name);
      break;
    case 'call':
    case 'iriCall':
      expr.args.forEach((a) => expressionVariables(a, out));
      break;
    case 'in':
      expressionVariables(expr.expr, out);
      expr.list.forEach((a) => expressionVariables(a, out));
      break;
    default:
      break;
  }
  return out;
}

export function containsExists(expr: Expr): boolean {
  switch (expr.type) {
    case 'exists':
      return true;
    case 'call':
    case 'iriCall':
      return expr.args.some(containsExists);
    case 'in':
      return containsExists(expr.expr) || expr.list.some(containsExists);
    default:
      return false;
  }
}

export function pathIsClosure(path: Path): boolean {
  return path.type === 'zeroOrMore' || path.type === 'oneOrMore' || path.type === 'zeroOrOne';
}
