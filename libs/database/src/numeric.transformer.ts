import { type ValueTransformer } from 'typeorm';

/** node-postgres returns numeric as string (to keep precision); our numerics fit a double exactly. */
export const numericTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
