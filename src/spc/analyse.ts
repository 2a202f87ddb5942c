import { SpcInputError, type SpcInputPoint, type SpcOptions, type SpcResult } from './types.ts';

/** Placeholder until the engine lands: refuses every input. */
export function analyse(_input: SpcInputPoint[], _options: SpcOptions): SpcResult {
  throw new SpcInputError('The SPC engine is not built yet');
}
