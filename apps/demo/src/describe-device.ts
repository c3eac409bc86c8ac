import type { ExecutionProvider } from "@hybrid-rag/models";

const names: Record<ExecutionProvider, string> = {
  cpu: "CPU",
  cuda: "CUDA GPU",
  tensorrt: "TensorRT GPU",
  webgpu: "WebGPU",
};

/** "CPU", "CUDA GPU", … for the status page; says when a GPU request fell back. */
export function describeDevice(device: {
  readonly provider: ExecutionProvider;
  readonly fallbackReason: string | undefined;
  readonly allNodesOnProvider?: boolean;
}): string {
  const name = names[device.provider];
  const partial = device.allNodesOnProvider === false ? ", some nodes on the CPU" : "";
  return device.fallbackReason ? `${name}${partial}: no GPU provider loaded` : `${name}${partial}`;
}
