"""Scores a batch with the independent PyTorch reference of the llama-nemotron-vl-rerank family.
stdin: {"directory", "input_ids": [[…]], "attention_mask": [[…]], "images": [path, …] (the
batch's images in reading order), "pixel_values"?: {"shape", "data"} (use these tiles instead of
preprocessing the images here), "broken"?: "no-pixel-shuffle"}
stdout: {"logits": [...], "tiles_per_image": [...], "pixel_shape": [...], "pixel_values": [...]}
(the reference's own tiles, flattened, so the TypeScript preprocessing can be compared too).
Run by Debian's python3 (torch 1.13, python3-pil)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import nemotron_vl_rerank  # noqa: E402
from decoder_blocks import DTYPE  # noqa: E402
from safetensors_io import read_model_weights  # noqa: E402


def main():
    request = json.load(sys.stdin)
    directory = request["directory"]
    with open(os.path.join(directory, "config.json"), encoding="utf-8") as handle:
        config = json.load(handle)
    weights = {name: tensor.to(DTYPE) for name, tensor in read_model_weights(directory).items()}
    size = config.get("force_image_size") or config["vision_config"]["image_size"]
    tiles = [
        nemotron_vl_rerank.image_tiles(
            path, size, config.get("max_input_tiles", 2), config.get("use_thumbnail", True),
            config.get("dynamic_image_size", True))
        for path in request.get("images", [])
    ]
    own = torch.cat(tiles) if tiles else torch.zeros((0, 3, size, size), dtype=DTYPE)
    given = request.get("pixel_values")
    pixel_values = own if given is None else torch.tensor(given["data"], dtype=DTYPE).view(given["shape"])
    input_ids = torch.tensor(request["input_ids"], dtype=torch.int64)
    attention_mask = torch.tensor(request["attention_mask"], dtype=torch.int64)
    with torch.no_grad():
        logits = nemotron_vl_rerank.score(config, weights, input_ids, attention_mask, pixel_values, request.get("broken"))
    json.dump({
        "logits": logits.tolist(),
        "tiles_per_image": [t.shape[0] for t in tiles],
        "pixel_shape": list(own.shape),
        "pixel_values": own.flatten().tolist(),
    }, sys.stdout)


if __name__ == "__main__":
    main()
