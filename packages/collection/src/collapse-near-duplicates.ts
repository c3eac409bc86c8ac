import type { Hit } from "@hybrid-rag/core";
import { chunkMetadataOf } from "./collapse-to-parents.ts";
import type { DocumentStore } from "./document-store.ts";
import type { NearDuplicateGroups } from "./near-duplicate-groups.ts";

/** Another parent holding the same text as a hit's parent (its copy in another format). */
export interface DuplicateSource {
  readonly parentId: string;
  readonly source: string;
}

/**
 * Keeps, of each group of near-duplicate parents, the hits of the best-ranked member only, and
 * lists the group's other members under that member's id (`alsoIn`); ranks are renumbered and
 * the list cut to `topK`. Hits of parents without near-duplicates pass unchanged.
 */
export function collapseNearDuplicates(
  hits: readonly Hit[],
  groups: NearDuplicateGroups,
  store: DocumentStore,
  topK: number,
): { hits: Hit[]; alsoIn: Record<string, DuplicateSource[]> } {
  const shownMember = new Map<object, string>();
  const alsoIn: Record<string, DuplicateSource[]> = {};
  const kept: Hit[] = [];
  for (const hit of hits) {
    const parentId = chunkMetadataOf(hit)?.parentId ?? hit.id;
    const group = groups.groupOf(parentId);
    if (group) {
      const shown = shownMember.get(group);
      if (shown === undefined) {
        shownMember.set(group, parentId);
        alsoIn[parentId] = group.members
          .filter((id) => id !== parentId)
          .map((id) => ({ parentId: id, source: store.parent(id)?.source ?? id }));
      } else if (shown !== parentId) continue;
    }
    if (kept.length === topK) break;
    kept.push(hit.rank === kept.length + 1 ? hit : { ...hit, rank: kept.length + 1 });
  }
  return { hits: kept, alsoIn };
}
