// Plain JavaScript that any Node.js parses: the guard before scripts that run TypeScript sources,
// so an old Node gets one sentence with the fix instead of a syntax or flag error.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `hybrid-rag needs Node.js >= 22.18 (this is ${process.version}): run the command through ./toolchain (e.g. \`./toolchain pnpm bench …\`), which fetches Node 24 and pnpm from the npm registry, or install Node 22.18+ yourself.`,
  );
  process.exit(1);
}
