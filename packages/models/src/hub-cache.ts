import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The Hugging Face cache root, as huggingface_hub resolves it: HF_HUB_CACHE, else
 * $HF_HOME/hub, else ~/.cache/huggingface/hub (XDG_CACHE_HOME respected).
 */
export function defaultHubCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  if (environment.HF_HUB_CACHE) return environment.HF_HUB_CACHE;
  if (environment.HF_HOME) return join(environment.HF_HOME, "hub");
  const cacheHome = environment.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(cacheHome, "huggingface", "hub");
}

/** HF_HUB_OFFLINE=1 (or true/yes/on) forbids network access, as in huggingface_hub. */
export function isOfflineByEnvironment(environment: NodeJS.ProcessEnv = process.env): boolean {
  return ["1", "true", "yes", "on"].includes((environment.HF_HUB_OFFLINE ?? "").toLowerCase());
}

/** models--org--name: huggingface_hub's folder for a model repository. */
export function repositoryFolder(cacheDirectory: string, repository: string): string {
  return join(cacheDirectory, `models--${repository.replaceAll("/", "--")}`);
}

export const commitHashPattern = /^[0-9a-f]{40}$/;
