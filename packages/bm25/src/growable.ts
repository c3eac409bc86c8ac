type TypedArray = Int32Array | Uint32Array | Uint8Array | Float64Array;

/** Returns `array` or a copy at least `minimum` long (capacity doubles, so appends stay O(1)). */
export function ensureCapacity<T extends TypedArray>(array: T, minimum: number): T {
  if (array.length >= minimum) return array;
  const create = array.constructor as new (length: number) => T;
  const grown = new create(Math.max(minimum, array.length * 2, 8));
  grown.set(array);
  return grown;
}
