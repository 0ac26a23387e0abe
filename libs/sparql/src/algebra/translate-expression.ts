import type * as S from 'sparqljs';
import type { Aggregate, AggregateName, Expr, Op } from './algebra';
import { SparqlSyntaxError } from '../errors';
import { hiddenVariableName } from './variables';

/** Callbacks the expression translator needs from the pattern translator (EXISTS bodies). */
export interface ExpressionScope {
  translatePattern(pattern: S.Pattern): Op;
  /** Collects aggregates and returns the variable standing for it; undefined where not allowed. */
  aggregates?: Array<{ variable: string; aggregate: Aggregate }>;
}

const AGGREGATES = new Set<AggregateName>(['count', 'sum', 'min', 'max', 'avg', 'sample', 'group_concat']);

function isAggregateName(name: string): name is AggregateName {
  return (AGGREGATES as Set<string>).has(name);
}

function isPattern(value: S.Expression | S.Pattern): value is S.Pattern {
  return !Array.isArray(value) && 'type' in value && value.type !== 'operation' && value.type !== 'functionCall' && value.type !== 'aggregate';
}

export function translateExpression(expression: S.Expression, scope: ExpressionScope): Expr {
  if (Array.isArray(expression)) throw new SparqlSyntaxError('unexpected expression list');
  if ('termType' in expression) {
    switch (expression.termType) {
      case 'Variable':
        return { type: 'var', name: expression.value };
      case 'NamedNode':
      case 'Literal':
        return { type: 'term', term: expression };
      default:
        throw new SparqlSyntaxError(`unexpected ${expression.termType} in expression`);
    }
  }
  switch (expression.type) {
    case 'operation':
      return translateOperation(expression, scope);
    case 'functionCall': {
      const iri = typeof expression.function === 'string' ? expression.function : expression.function.value;
      return { type: 'iriCall', iri, args: expression.args.map((a) => translateExpression(a, scope)) };
    }
    case 'aggregate':
      return translateAggregate(expression, scope);
    default:
      throw new SparqlSyntaxError(`unsupported expression type ${String((expression as { type: unknown }).type)}`);
  }
}

function translateOperation(op: S.OperationExpression, scope: ExpressionScope): Expr {
  const name = op.operator.toLowerCase();
  if (name === 'exists' || name === 'notexists') {
    const [body] = op.args;
    if (body === undefined || !isPattern(body)) throw new SparqlSyntaxError('EXISTS needs a group pattern');
    return { type: 'exists', negated: name === 'notexists', pattern: scope.translatePattern(body) };
  }
  const args = op.args.map((a) => {
    if (!Array.isArray(a) && isPattern(a)) throw new SparqlSyntaxError(`unexpected pattern in ${name}`);
    return a;
  });
  if (name === 'in' || name === 'notin') {
    const [subject, list] = args;
    if (subject === undefined || !Array.isArray(list)) throw new SparqlSyntaxError('IN needs a list');
    return {
      type: 'in',
      negated: name === 'notin',
      expr: translateExpression(subject, scope),
      list: list.map((e) => translateExpression(e, scope)),
    };
  }
  return { type: 'call', name, args: args.map((a) => translateExpression(a, scope)) };
}

function translateAggregate(agg: S.AggregateExpression, scope: ExpressionScope): Expr {
  const name = agg.aggregation.toLowerCase();
  if (!isAggregateName(name)) throw new SparqlSyntaxError(`unknown aggregate ${agg.aggregation}`);
  if (!scope.aggregates) throw new SparqlSyntaxError('aggregate not allowed here');
  const inner = agg.expression;
  const isWildcard = 'termType' in inner && inner.termType === 'Wildcard';
  const aggregate: Aggregate = {
    name,
    distinct: agg.distinct === true,
    expr: isWildcard ? undefined : translateExpression(inner as S.Expression, { translatePattern: scope.translatePattern }),
    separator: name === 'group_concat' ? (agg.separator ?? ' ') : undefined,
  };
  const variable = hiddenVariableName(`agg${scope.aggregates.length}`);
  scope.aggregates.push({ variable, aggregate });
  return { type: 'var', name: variable };
}
