import type { WeightSource } from "../model-family.ts";

/** One `nn.Linear` of a checkpoint: weight [outputs, inputs], optional bias [outputs]. */
export interface LinearTensors {
  readonly weight: string;
  readonly bias?: string | undefined;
  readonly outputs: number;
}

/**
 * Reads linear layers that take the same input and lays them side by side as one MatMul
 * operand [inputs, Σ outputs] (transposed: checkpoints store [outputs, inputs]). Fusing q/k/v
 * or gate/up into one MatMul halves the passes over the activations on CPU.
 */
export async function readFusedLinear(
  weights: WeightSource,
  inputs: number,
  linears: readonly LinearTensors[],
): Promise<{ readonly matrix: Float32Array; readonly bias: Float32Array | undefined }> {
  const totalOutputs = linears.reduce((sum, linear) => sum + linear.outputs, 0);
  const matrix = new Float32Array(inputs * totalOutputs);
  const hasBias = linears.some((linear) => linear.bias !== undefined);
  const bias = hasBias ? new Float32Array(totalOutputs) : undefined;
  let column = 0;
  for (const linear of linears) {
    const stored = await weights.readFloat32(linear.weight, [linear.outputs, inputs]);
    for (let output = 0; output < linear.outputs; output++) {
      const row = output * inputs;
      const target = column + output;
      for (let input = 0; input < inputs; input++) {
        matrix[input * totalOutputs + target] = stored[row + input] ?? 0;
      }
    }
    if (bias !== undefined && linear.bias !== undefined) {
      bias.set(await weights.readFloat32(linear.bias, [linear.outputs]), column);
    }
    column += linear.outputs;
  }
  return { matrix, bias };
}

/** The bias tensor's name when the checkpoint has it, else undefined. */
export function optionalTensor(weights: WeightSource, name: string): string | undefined {
  return weights.info(name) === undefined ? undefined : name;
}
