import type * as S from 'sparqljs';
import { SparqlSyntaxError } from '../errors';
import type { NamedNode, Variable } from '../rdf/terms';
import type { Aggregate, AlgebraQuery, Expr, Op, OrderCondition, QueryForm, TriplePattern } from './algebra';
import { translateExpression, type ExpressionScope } from './translate-expression';
import { join, PatternTranslator, patternTerm, translateValues } from './translate-pattern';
import { hiddenVariableName, inScopeVariables, isHiddenVariable } from './variables';

function isWildcard(vars: S.SelectQuery['variables'] | S.DescribeQuery['variables']): boolean {
  const [first] = vars;
  return first !== undefined && 'termType' in first && first.termType === 'Wildcard';
}

function visibleVariables(op: Op): string[] {
  return [...inScopeVariables(op)].filter((v) => !isHiddenVariable(v));
}

interface Modifiers {
  op: Op;
  projected: string[];
}

/**
 * Query-level translation (§18.2.4–18.2.5): grouping and aggregates, HAVING, trailing VALUES,
 * select expressions, ORDER BY, projection, DISTINCT/REDUCED, slicing.
 */
class QueryTranslator {
  readonly patterns = new PatternTranslator((q) => this.translateSelectLike(q).op);

  translate(query: S.Query): AlgebraQuery {
    const result = this.translateSelectLike(query);
    const form = this.form(query, result.projected);
    return {
      form,
      op: result.op,
      dataset: query.from ? { defaultGraphs: query.from.default, namedGraphs: query.from.named } : undefined,
      ordered: 'order' in query && query.order !== undefined && query.order.length > 0,
      base: query.base,
    };
  }

  private form(query: S.Query, projected: string[]): QueryForm {
    switch (query.queryType) {
      case 'SELECT':
        return { type: 'select', variables: projected };
      case 'ASK':
        return { type: 'ask' };
      case 'CONSTRUCT':
        return { type: 'construct', template: (query.template ?? []).map(templateTriple) };
      case 'DESCRIBE': {
        if (isWildcard(query.variables)) {
          return { type: 'describe', terms: projected.map((v) => ({ termType: 'Variable', value: v }) as Variable) };
        }
        const terms = (query.variables as Array<S.VariableTerm | S.IriTerm>).filter(
          (t): t is NamedNode | Variable => t.termType === 'NamedNode' || t.termType === 'Variable',
        );
        return { type: 'describe', terms };
      }
    }
  }

  translateSelectLike(query: S.Query): Modifiers {
    let op = this.patterns.translateGroup(query.where ?? []);
    const aggregates: Array<{ variable: string; aggregate: Aggregate }> = [];
    const scope = { ...this.patterns.expressionScope, aggregates };
    const select = query.queryType === 'SELECT' ? query : undefined;

    // Select expressions, HAVING and ORDER BY are translated first so aggregates are collected.
    const selectItems: Array<{ variable: string; expr?: Expr }> = [];
    if (select && !isWildcard(select.variables)) {
      for (const v of select.variables as S.Variable[]) {
        if ('termType' in v) selectItems.push({ variable: v.value });
        else selectItems.push({ variable: v.variable.value, expr: this.exprWith(v.expression, scope) });
      }
    }
    const having = (select?.having ?? []).map((h) => this.exprWith(h, scope));
    const order: OrderCondition[] = (select?.order ?? []).map((o) => ({
      expr: this.exprWith(o.expression, scope),
      descending: o.descending === true,
    }));

    const grouped = (select?.group?.length ?? 0) > 0 || aggregates.length > 0;
    if (grouped) {
      const keys = (select?.group ?? []).map((g) => {
        const expr = this.patterns.expr(g.expression);
        const variable = g.variable?.value ?? (expr.type === 'var' ? expr.name : hiddenVariableName('key'));
        return { variable, expr };
      });
      checkGroupedProjection(selectItems, keys, aggregates);
      op = { type: 'group', input: op, keys, aggregates };
    }
    for (const h of having) op = { type: 'filter', expr: h, input: op };
    if (query.values) op = join(op, translateValues(query.values));

    const isSelectStar = select !== undefined && isWildcard(select.variables);
    if (isSelectStar && grouped) throw new SparqlSyntaxError('SELECT * not allowed with GROUP BY');
    const inScope = inScopeVariables(op);
    for (const item of selectItems) {
      if (!item.expr) continue;
      if (inScope.has(item.variable)) throw new SparqlSyntaxError(`variable ?${item.variable} already in scope`);
      op = { type: 'extend', input: op, variable: item.variable, expr: item.expr };
      inScope.add(item.variable);
    }
    if (order.length > 0) op = { type: 'orderBy', input: op, conditions: order };

    const projected = isSelectStar || !select ? visibleVariables(op) : selectItems.map((i) => i.variable);
    if (select) op = { type: 'project', input: op, variables: projected };
    if (select?.distinct) op = { type: 'distinct', input: op };
    if (select?.reduced) op = { type: 'reduced', input: op };
    if (select && (select.limit !== undefined || (select.offset ?? 0) > 0)) {
      op = { type: 'slice', input: op, offset: select.offset ?? 0, limit: select.limit };
    }
    return { op, projected };
  }

  private exprWith(e: S.Expression, scope: ExpressionScope): Expr {
    return translateExpression(e, scope);
  }
}

/** §18.2.4.1: in an aggregate query, projected plain variables must be group keys. */
function checkGroupedProjection(
  items: Array<{ variable: string; expr?: Expr }>,
  keys: Array<{ variable: string; expr: Expr }>,
  aggregates: Array<{ variable: string }>,
): void {
  const allowed = new Set([...keys.map((k) => k.variable), ...aggregates.map((a) => a.variable)]);
  for (const item of items) {
    if (item.expr) {
      allowed.add(item.variable);
      continue;
    }
    if (!allowed.has(item.variable)) throw new SparqlSyntaxError(`non-group variable ?${item.variable} in SELECT`);
  }
}

function templateTriple(t: S.Triple): TriplePattern {
  if (!('termType' in t.predicate)) throw new SparqlSyntaxError('property paths are not allowed in CONSTRUCT templates');
  return { s: patternTerm(t.subject), p: patternTerm(t.predicate), o: patternTerm(t.object) };
}

export function translateQuery(query: S.Query): AlgebraQuery {
  return new QueryTranslator().translate(query);
}
