import { describe, expect, it } from "vitest";
import { readResults, staleReadmes } from "./readme-files.ts";
import { readSection, replaceSection, sectionEnd, sectionStart } from "./readme-section.ts";

describe("the README peer tables", () => {
  it("equal what the committed results render to (run `pnpm --filter @hybrid-rag/benchmark-peers table`)", async () => {
    expect(await staleReadmes(await readResults())).toEqual([]);
  });

  it("replaces only the section between the markers", () => {
    const readme = `# title\n${sectionStart}\nold\n${sectionEnd}\nafter\n`;
    const replaced = replaceSection(readme, "README.md", "new\n");
    expect(replaced).toBe(`# title\n${sectionStart}\nnew\n${sectionEnd}\nafter\n`);
    expect(readSection(replaced, "README.md")).toBe("new\n");
  });

  it("says which file lacks the markers", () => {
    expect(() => readSection("# no table here\n", "docs/README.md")).toThrow(
      /docs\/README\.md has no peers table section/,
    );
  });
});
