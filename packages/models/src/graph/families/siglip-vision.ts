import type { GraphBlocks } from "../graph-blocks.ts";
import type { SiglipArchitecture } from "./nemotron-vl-config.ts";

/**
 * transformers' SiglipVisionModel (no pooling head) on tiles [tiles, 3, size, size]: the patch
 * embedding (a Conv2d with kernel = stride = patch), learned absolute positions, pre-norm
 * encoder layers (LayerNorm → multi-head attention with biases → residual → LayerNorm → MLP
 * fc1 → GELU (tanh) → fc2 → residual), then `post_layernorm`. Returns the hidden states
 * [tiles, patches, hidden] that `selectLayer` picks: -1 the last after post_layernorm (what
 * `last_hidden_state` is), otherwise `hidden_states[selectLayer]` (0 = the embeddings), which
 * transformers returns without post_layernorm.
 */
export async function buildSiglipVision(
  blocks: GraphBlocks,
  vision: SiglipArchitecture,
  prefix: string,
  pixelValues: string,
  selectLayer: number,
): Promise<string> {
  const graph = blocks.graph;
  const { hidden, patchSize } = vision;
  const grid = vision.imageSize / patchSize;
  const patches = grid * grid;
  const embeddings = `${prefix}embeddings.`;
  const convolved = graph.node(
    "Conv",
    [
      pixelValues,
      await blocks.weight(`${embeddings}patch_embedding.weight`, [hidden, 3, patchSize, patchSize]),
      await blocks.weight(`${embeddings}patch_embedding.bias`, [hidden]),
    ],
    { kernel_shape: [patchSize, patchSize], strides: [patchSize, patchSize] },
  ); // [tiles, hidden, grid, grid]
  // Row-major patches, as torch's flatten(2).transpose(1, 2): [tiles, patches, hidden].
  const flattened = graph.node(
    "Transpose",
    [graph.node("Reshape", [convolved, blocks.int64([0, hidden, patches])])],
    { perm: [0, 2, 1] },
  );
  let states = graph.node("Add", [
    flattened,
    await blocks.weight(`${embeddings}position_embedding.weight`, [patches, hidden]),
  ]);
  // hidden_states[i] is the input of layer i; negative indices count from the end (L + 1 states).
  const wanted = selectLayer < 0 ? vision.layers + 1 + selectLayer : selectLayer;
  if (wanted === 0) return states;
  for (let layer = 0; layer < vision.layers; layer++) {
    states = await encoderLayer(blocks, vision, `${prefix}encoder.layers.${layer}.`, states);
    if (layer + 1 === wanted && selectLayer !== -1) return states;
  }
  return blocks.layerNorm(
    `${prefix}post_layernorm.weight`,
    `${prefix}post_layernorm.bias`,
    states,
    hidden,
    vision.layerNormEpsilon,
  );
}

async function encoderLayer(
  blocks: GraphBlocks,
  vision: SiglipArchitecture,
  prefix: string,
  input: string,
): Promise<string> {
  const graph = blocks.graph;
  const { hidden, heads } = vision;
  const normed = await blocks.layerNorm(
    `${prefix}layer_norm1.weight`,
    `${prefix}layer_norm1.bias`,
    input,
    hidden,
    vision.layerNormEpsilon,
  );
  const attention = `${prefix}self_attn.`;
  const query = await blocks.linear(`${attention}q_proj`, normed, hidden, hidden);
  const key = await blocks.linear(`${attention}k_proj`, normed, hidden, hidden);
  const value = await blocks.linear(`${attention}v_proj`, normed, hidden, hidden);
  // Plain MatMul/Softmax rather than the opset-23 Attention op: onnxruntime's Attention kernel
  // refuses a batch of 0, and a text-only batch has no tiles. No mask: every patch sees all.
  const headSize = hidden / heads;
  const scores = graph.node("Div", [
    graph.node("MatMul", [
      blocks.splitHeads(query, heads, headSize),
      blocks.splitHeads(key, heads, headSize, true),
    ]),
    blocks.scalar(Math.sqrt(headSize)),
  ]);
  const probabilities = graph.node("Softmax", [scores], { axis: -1 });
  const attended = blocks.mergeHeads(
    graph.node("MatMul", [probabilities, blocks.splitHeads(value, heads, headSize)]),
    hidden,
  );
  const afterAttention = graph.node("Add", [
    input,
    await blocks.linear(`${attention}out_proj`, attended, hidden, hidden),
  ]);
  const postNormed = await blocks.layerNorm(
    `${prefix}layer_norm2.weight`,
    `${prefix}layer_norm2.bias`,
    afterAttention,
    hidden,
    vision.layerNormEpsilon,
  );
  const expanded = await blocks.linear(`${prefix}mlp.fc1`, postNormed, hidden, vision.intermediate);
  const activated = blocks.activation(vision.activation, expanded);
  return graph.node("Add", [
    afterAttention,
    await blocks.linear(`${prefix}mlp.fc2`, activated, vision.intermediate, hidden),
  ]);
}
