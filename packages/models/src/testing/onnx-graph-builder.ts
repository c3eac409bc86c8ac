// The graph builder is product code now (packages/models/src/graph); tests and the tiny-model
// generators keep importing it from here.
export {
  type Attributes,
  type AttributeValue,
  float32ToFloat16Bits,
  OnnxGraphBuilder,
} from "../graph/onnx-graph-builder.ts";
