import { posix } from "node:path";
import { xmlBlocks } from "./xml-blocks.ts";
import type { ZipArchive } from "./zip-archive.ts";

/** One relationship of an Office Open XML part: its id, type and the archive path it points to. */
export interface PartRelationship {
  readonly id: string;
  readonly type: string;
  readonly path: string;
}

/**
 * The relationships of `part` (from its `_rels/<name>.rels`, empty when it has none), with their
 * targets resolved to archive paths: how a docx finds its main document and a pptx its slides.
 */
export async function partRelationships(
  archive: ZipArchive,
  part: string,
): Promise<PartRelationship[]> {
  const directory = posix.dirname(part);
  const rels = posix.join(
    directory === "." ? "" : directory,
    "_rels",
    `${posix.basename(part)}.rels`,
  );
  if (!archive.has(rels)) return [];
  const relationships = xmlBlocks(await archive.text(rels), {
    blocks: new Set(["Relationship"]),
  });
  return relationships
    .filter((relationship) => relationship.attributes.TargetMode !== "External")
    .map(({ attributes }) => ({
      id: attributes.Id ?? "",
      type: attributes.Type ?? "",
      path: resolveTarget(directory, attributes.Target ?? ""),
    }));
}

/** A relationship or manifest target (relative to `directory`, or absolute from the archive root) as an archive path. */
export function resolveTarget(directory: string, target: string): string {
  const decoded = safeDecode(target.split("#")[0] ?? "");
  const path = decoded.startsWith("/")
    ? decoded.slice(1)
    : posix.join(directory === "." ? "" : directory, decoded);
  return posix.normalize(path);
}

function safeDecode(target: string): string {
  try {
    return decodeURIComponent(target);
  } catch {
    return target;
  }
}

/** The text of the first `element` in a small XML part (a title in metadata), or undefined. */
export function firstElementText(xml: string, element: string): string | undefined {
  const text = xmlBlocks(xml, { blocks: new Set([element]) })[0]?.text.trim();
  return text ? text : undefined;
}
