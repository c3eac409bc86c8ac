"""Exports a reference encoder (encoders.py) to ONNX with torch.onnx.export (opset 17): the
"same model exported by PyTorch" that the built-from-safetensors graph is timed against
(benchmarks/reranker). Weights are read once and held by nn modules, as a transformers model holds them.

Usage: python3 export_onnx.py <model dir> <cross-encoder|embedder> <out.onnx>
"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import encoders  # noqa: E402
from safetensors_io import read_model_weights  # noqa: E402


class CachedModules:
    """Wraps the reference's module constructors so each weight becomes one module, built once."""

    def __init__(self):
        self.cache = {}

    def wrap(self, name):
        original = getattr(encoders, name)

        def cached(weights, prefix, *args):
            key = (name, prefix) + args
            if key not in self.cache:
                self.cache[key] = original(weights, prefix, *args)
            return self.cache[key]

        setattr(encoders, name, cached)


class Exported(nn.Module):
    def __init__(self, config, weights, task):
        super().__init__()
        self.config, self.weights, self.task = config, weights, task
        self.holder = nn.ModuleDict()

    def forward(self, input_ids, attention_mask, token_type_ids):
        batch = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
        kind = self.config.get("model_type")
        if kind == "modernbert":
            return encoders.modernbert(self.config, self.weights, batch, self.task)
        return encoders.bert_shaped(self.config, self.weights, batch, self.task, roberta=kind != "bert")


def main():
    directory, task, out = sys.argv[1:4]
    with open(os.path.join(directory, "config.json"), encoding="utf-8") as handle:
        config = json.load(handle)
    cache = CachedModules()
    for name in ("linear", "layer_norm", "embedding"):
        cache.wrap(name)
    model = Exported(config, read_model_weights(directory), task).eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch_size", 1: "sequence_length"} for name in names}
    output = "logits" if task == "cross-encoder" else "last_hidden_state"
    axes[output] = {0: "batch_size"} if task == "cross-encoder" else {0: "batch_size", 1: "sequence_length"}
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with torch.no_grad():
        # One eager pass builds every module, so the trace sees modules, not their construction.
        model(ids, ids, torch.zeros_like(ids))
        for index, module in enumerate(cache.cache.values()):
            model.holder[str(index)] = module
        torch.onnx.export(
            model,
            (ids, ids, torch.zeros_like(ids)),
            out,
            input_names=names,
            output_names=[output],
            dynamic_axes=axes,
            opset_version=17,
            do_constant_folding=True,
        )


if __name__ == "__main__":
    main()
