export {
  chooseCudaMajor,
  driverCudaVersion,
  installableCudaMajors,
  parseDriverCudaVersion,
  parseLddMissing,
} from "./cuda-runtime.ts";
export {
  checkGpuRoutes,
  describeRouteCheck,
  type GpuRouteCheck,
  gpuRoutes,
} from "./gpu-routes.ts";
