export type { QuadChange, QuadWriter, UpdateLoader } from './quad-change';
export { UpdateError } from './update-errors';
export type { UpdateOptions } from './update-context';
export { OverlayQuadSource, quadKey } from './overlay-quad-source';
export { evaluateUpdate, executeUpdate } from './update-evaluator';
export { freshBlankNode, withFreshBlankNodes } from './fresh-blank-nodes';
