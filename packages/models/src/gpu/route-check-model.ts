import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The model each GPU route is tried on: `output = Relu(input[1×4] · weight[4×4] + bias)`, ONNX
 * opset 17, 285 bytes, made with the `onnx` Python package's helper (make_node MatMul/Add/Relu,
 * make_graph, make_model; checked by onnx.checker). The GPU check owns it, so the `./gpu` entry
 * point ships no test code and needs no graph builder.
 */
const routeCheckModel =
  "CAgSCmh5YnJpZC1yYWc6hgIKIAoFaW5wdXQKBndlaWdodBIHcHJvZHVjdCIGTWF0TXVsChkKB3Byb2R1Y3QKBGJpYXMSA3N1bSIDQWRkChMKA3N1bRIGb3V0cHV0IgRSZWx1Eg9ncHUtcm91dGUtY2hlY2sqUAgECAQQAUIGd2VpZ2h0SkAAAAAAAACAPQAAAD4AAEA+AACAPgAAoD4AAMA+AADgPgAAAD8AABA/AAAgPwAAMD8AAEA/AABQPwAAYD8AAHA/KhwIBBABQgRiaWFzShAAAIC+AACAvgAAgL4AAIC+WhcKBWlucHV0Eg4KDAgBEggKAggBCgIIBGIYCgZvdXRwdXQSDgoMCAESCAoCCAEKAggEQgQKABAR";

/** Writes the route-check model into `folder`; returns its path. */
export async function writeRouteCheckModel(folder: string): Promise<string> {
  const path = join(folder, "route-check.onnx");
  await writeFile(path, Buffer.from(routeCheckModel, "base64"));
  return path;
}
