// The package ships no types; this is the part of its API the benchmark uses.
declare module "wink-bm25-text-search" {
  interface WinkBm25 {
    defineConfig(config: { fldWeights: Record<string, number> }): void;
    definePrepTasks(tasks: Array<(text: string) => string[]>): void;
    addDoc(document: Record<string, string>, id: number | string): void;
    consolidate(): void;
    search(text: string, limit?: number): Array<[string, number]>;
  }
  export default function winkBm25(): WinkBm25;
}
