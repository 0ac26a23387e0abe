import type * as S from 'sparqljs';
import { QueryAbortedError } from '../errors';
import { parseUpdate } from '../parser/parse-sparql';
import type { QuadSource } from '../storage/quad-source';
import { clearOrDrop, copyMoveAdd, create, load } from './graph-management';
import { deleteData, deleteWhere, insertData, modify } from './modify';
import { OverlayQuadSource } from './overlay-quad-source';
import type { QuadChange, QuadWriter } from './quad-change';
import type { UpdateContext, UpdateOptions } from './update-context';

/**
 * Computes the net change of an update request against `source` without writing anything.
 * Operations run in order and each sees the effects of the earlier ones (through an
 * overlay), so committing the returned change applies the whole request atomically.
 */
export async function evaluateUpdate(update: S.Update, source: QuadSource, options: UpdateOptions = {}): Promise<QuadChange> {
  const overlay = new OverlayQuadSource(source);
  const ctx: UpdateContext = { overlay, options: { ...options, baseIri: update.base ?? options.baseIri } };
  for (const op of update.updates) {
    if (options.signal?.aborted) throw new QueryAbortedError('update aborted');
    await runOperation(op, ctx);
  }
  return overlay.change();
}

/** Parses, evaluates and commits an update request in one call. */
export async function executeUpdate(text: string, source: QuadSource, writer: QuadWriter, options: UpdateOptions = {}): Promise<QuadChange> {
  const change = await evaluateUpdate(parseUpdate(text, { baseIri: options.baseIri }), source, options);
  if (options.signal?.aborted) throw new QueryAbortedError('update aborted');
  if (change.deletes.length > 0 || change.inserts.length > 0) await writer.commit(change);
  return change;
}

async function runOperation(op: S.UpdateOperation, ctx: UpdateContext): Promise<void> {
  if ('updateType' in op) {
    switch (op.updateType) {
      case 'insert':
        return insertData(op.insert, ctx);
      case 'delete':
        return deleteData(op.delete, ctx);
      case 'deletewhere':
        return deleteWhere(op.delete, ctx);
      case 'insertdelete':
        return modify(op, ctx);
    }
  }
  switch (op.type) {
    case 'load':
      return load(op, ctx);
    case 'clear':
    case 'drop':
      return clearOrDrop(op, ctx);
    case 'create':
      return create(op, ctx);
    case 'copy':
    case 'move':
    case 'add':
      return copyMoveAdd(op, ctx);
  }
}
