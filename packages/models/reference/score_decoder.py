"""Scores token-id batches with the independent PyTorch reference of a decoder family.
stdin: {"family", "directory", "input_ids": [[…]], "attention_mask": [[…]], "yes_id"?, "no_id"?}
stdout: {"logits": [...]} (one float per row). Run by Debian's python3 (torch 1.13) from the
vitest tests of packages/models/src/graph/families."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import llama_bidirectional  # noqa: E402
import mistral  # noqa: E402
import qwen3_reranker  # noqa: E402
from decoder_blocks import DTYPE  # noqa: E402
from safetensors_io import read_model_weights  # noqa: E402


def main():
    request = json.load(sys.stdin)
    directory = request["directory"]
    with open(os.path.join(directory, "config.json"), encoding="utf-8") as handle:
        config = json.load(handle)
    weights = {name: tensor.to(DTYPE) for name, tensor in read_model_weights(directory).items()}
    input_ids = torch.tensor(request["input_ids"], dtype=torch.int64)
    attention_mask = torch.tensor(request["attention_mask"], dtype=torch.int64)
    family = request["family"]
    with torch.no_grad():
        if family == "llama-bidirectional":
            logits = llama_bidirectional.score(config, weights, input_ids, attention_mask)
        elif family == "mistral":
            logits = mistral.score(config, weights, input_ids, attention_mask)
        elif family == "qwen3-reranker":
            logits = qwen3_reranker.score(
                config, weights, input_ids, attention_mask, request["yes_id"], request["no_id"]
            )
        else:
            raise SystemExit(f"unknown family {family}")
    json.dump({"logits": logits.tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
