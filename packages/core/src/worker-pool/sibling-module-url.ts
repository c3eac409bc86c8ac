/**
 * The URL of a module beside `base` (an `import.meta.url`), for `new Worker(...)`: `.ts` when
 * running the workspace sources (type stripping), `.js` in the built package.
 */
export function siblingModuleUrl(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith(".ts") ? ".ts" : ".js"}`, base);
}
