/**
 * A short, bounded description of any value for error messages: at most `maxLength` characters,
 * nested at most a few levels, without recursion that a deeply nested or huge input could blow up
 * (JSON.stringify and String() of a 10,000-deep array overflow the stack).
 */
export function describeValue(value: unknown, maxLength = 80): string {
  const text = preview(value, 3, maxLength + 1);
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}

function preview(value: unknown, depth: number, budget: number): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "string")
    return JSON.stringify(value.length > budget ? value.slice(0, budget) : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return value.toString();
  if (depth === 0) return Array.isArray(value) ? `[${value.length} items]` : "{…}";
  const parts: string[] = [];
  let used = 2;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (used >= budget) break;
      const part = preview(item, depth - 1, budget - used);
      parts.push(part);
      used += part.length + 1;
    }
    const more = value.length - parts.length;
    return `[${parts.join(",")}${more > 0 ? `,… ${more} more` : ""}]`;
  }
  for (const key in value as Record<string, unknown>) {
    if (used >= budget) {
      parts.push("…");
      break;
    }
    const part = `${JSON.stringify(key)}:${preview((value as Record<string, unknown>)[key], depth - 1, budget - used)}`;
    parts.push(part);
    used += part.length + 1;
  }
  return `{${parts.join(",")}}`;
}
