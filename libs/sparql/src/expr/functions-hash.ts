import { createHash } from 'node:crypto';
import { stringLiteral } from '../rdf/terms';
import type { FunctionImpl } from './call-context';
import { simpleStringArg } from './string-args';

function hashWith(algorithm: string): FunctionImpl {
  return (args) => stringLiteral(createHash(algorithm).update(simpleStringArg(args[0]).value, 'utf8').digest('hex'));
}

export const hashFunctions: Record<string, FunctionImpl> = {
  md5: hashWith('md5'),
  sha1: hashWith('sha1'),
  sha256: hashWith('sha256'),
  sha384: hashWith('sha384'),
  sha512: hashWith('sha512'),
};
