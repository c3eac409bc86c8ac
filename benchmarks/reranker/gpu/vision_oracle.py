"""The vision oracle of the device check: transformers' own SiglipVisionModel and LlamaModel,
put together the way NVIDIA's llama-nemotron-rerank-vl-1b-v2 is (NeMo AutoModel's
LlamaNemotronVLModel recipe: SigLIP last hidden state → InternVL pixel shuffle → mlp1 →
image features over the <IMG_CONTEXT> embeddings → bidirectional Llama → mean pooling →
`score`), score random tiny tiles, and the project's llama-nemotron-vl-rerank family must match
its logits (fp32, 1e-4).

  python3 vision_oracle.py --out <folder>            transformers (4.x or 5.x), from configs only
  python3 vision_oracle.py --out <folder> --dry-run  no transformers: same files, same rows, the
                                                     logits from packages/models/reference

Why not the model's own code: llama-nemotron-rerank-vl's modeling files are remote code on the
Hub (trust_remote_code) and are not in a directory we can generate; nothing may be downloaded on
the device machine. transformers' SiglipVisionModel and LlamaModel are the blocks that code
instantiates, so the oracle checks our graph against them, with the glue (pixel shuffle,
projector, token replacement, pooling) written from the published recipe. Tiles are random
(N(0, 1)): the image preprocessing is proved against PIL in CI (packages/models tests).

Writes <folder>/nemotron-vl-rerank/ (config.json, model.safetensors under the published names)
and <folder>/oracle.json; then `benchmarks/reranker/src/vision-oracle/check-vision-oracle.ts
<folder>` builds our graph from the directory, scores the same rows and compares.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "..", "..", "packages", "models", "reference")
sys.path.insert(0, HERE)

from decoder_oracle import LLAMA3_SCALING, bidirectional_mask, mean_pool, widen_weights, write_json, write_safetensors  # noqa: E402

VOCAB = 512
IMG_START, IMG_END, IMG_CONTEXT = 509, 510, 511
TOKENS_PER_TILE = 16  # (32 px / 4 px)² / 2²
VISION = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
              image_size=32, patch_size=4, num_channels=3, layer_norm_eps=1e-6, hidden_act="gelu_pytorch_tanh")
LLM = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
           num_key_value_heads=2, head_dim=16, max_position_embeddings=256, rms_norm_eps=1e-5, pad_token_id=0,
           rope_theta=10000.0, rope_scaling=LLAMA3_SCALING)
TILES_PER_ROW = (0, 4, 1, 2)  # text only, a 3-tile image + thumbnail, one tile, two tiles


def config_json():
    return {
        "architectures": ["LlamaNemotronVLForSequenceClassification"],
        "model_type": "llama_nemotron_vl_rerank",
        "vision_config": dict(VISION, model_type="siglip_vision_model"),
        "llm_config": dict(LLM, architectures=["LlamaBidirectionalModel"], model_type="llama_bidirec"),
        "downsample_ratio": 0.5, "select_layer": -1, "force_image_size": 32, "img_context_token_id": IMG_CONTEXT,
        "pooling": "avg", "prompt_template": "v1", "temperature": 1.0, "torch_dtype": "float32",
    }


def rows():
    """Token rows (text ids 1..508), each row's image block in front of its text, right-padded,
    and random tiles for the image blocks in reading order."""
    random = np.random.RandomState(11)
    batch = []
    for index, tiles in enumerate(TILES_PER_ROW):
        text = random.randint(1, IMG_START, size=5 + 7 * index).tolist()
        image = [] if tiles == 0 else [IMG_START] + [IMG_CONTEXT] * (TOKENS_PER_TILE * tiles) + [IMG_END]
        batch.append([1] + image + text)
    width = max(len(row) for row in batch)
    input_ids = torch.tensor([row + [0] * (width - len(row)) for row in batch])
    attention_mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in batch])
    generator = torch.Generator().manual_seed(12)
    pixel_values = torch.randn((sum(TILES_PER_ROW), 3, 32, 32), generator=generator)
    return input_ids, attention_mask, pixel_values


def pixel_shuffle(x, scale=0.5):
    """InternVL's pixel shuffle on [n, w, h, c] (the view/permute sequence of the recipe)."""
    n, w, h, c = x.shape
    x = x.view(n, w, int(h * scale), int(c / scale)).permute(0, 2, 1, 3).contiguous()
    x = x.view(n, int(h * scale), int(w * scale), int(c / (scale * scale)))
    return x.permute(0, 2, 1, 3).contiguous()


def transformers_case(out):
    import transformers
    from transformers import LlamaConfig, LlamaModel, SiglipVisionConfig, SiglipVisionModel

    major = int(transformers.__version__.split(".")[0])
    rope = ({"rope_parameters": dict(LLAMA3_SCALING, rope_theta=LLM["rope_theta"])} if major >= 5
            else {"rope_theta": LLM["rope_theta"], "rope_scaling": LLAMA3_SCALING})
    llm_shape = {key: value for key, value in LLM.items() if key not in ("rope_theta", "rope_scaling")}
    torch.manual_seed(21)
    # No pooling head: NVIDIA uses the last hidden state (older transformers ignore the key).
    vision_config = SiglipVisionConfig(**VISION, vision_use_head=False)
    vision = SiglipVisionModel._from_config(vision_config, attn_implementation="eager")
    language = LlamaModel._from_config(LlamaConfig(**llm_shape, **rope), attn_implementation="eager")
    for layer in language.layers:
        layer.self_attn.is_causal = False
    width = VISION["hidden_size"] * 4
    mlp1 = torch.nn.Sequential(torch.nn.LayerNorm(width), torch.nn.Linear(width, LLM["hidden_size"]),
                               torch.nn.GELU(), torch.nn.Linear(LLM["hidden_size"], LLM["hidden_size"]))
    score = torch.nn.Linear(LLM["hidden_size"], 1, bias=False)
    for seed, module in enumerate((vision, language, mlp1, score), start=22):
        widen_weights(module, seed)
        module.float().eval()
    input_ids, attention_mask, pixel_values = rows()
    with torch.no_grad():
        states = vision(pixel_values=pixel_values).last_hidden_state
        tiles, n, c = states.shape
        side = int(n ** 0.5)
        features = mlp1(pixel_shuffle(states.reshape(tiles, side, side, c)).reshape(tiles, -1, c * 4))
        embeds = language.get_input_embeddings()(input_ids)
        flat = embeds.reshape(-1, embeds.shape[-1])
        selected = (input_ids.reshape(-1) == IMG_CONTEXT).nonzero(as_tuple=False).squeeze(1)
        embeds = flat.index_copy(0, selected, features.reshape(-1, embeds.shape[-1])).reshape(embeds.shape)
        hidden = language(inputs_embeds=embeds, attention_mask=bidirectional_mask(attention_mask)).last_hidden_state
        logits = score(mean_pool(hidden, attention_mask))[:, 0]
    tensors = {}
    for prefix, module in (("model.vision_model.", vision), ("model.language_model.", language),
                           ("model.mlp1.", mlp1), ("", None)):
        if module is not None:
            tensors.update({prefix + name: tensor for name, tensor in module.state_dict().items()})
    tensors["score.weight"] = score.weight
    tensors = {name: tensor for name, tensor in tensors.items() if "rotary_emb" not in name and "position_ids" not in name}
    save(out, tensors)
    return f"transformers {transformers.__version__}", input_ids, attention_mask, pixel_values, logits


def save(out, tensors):
    directory = os.path.join(out, "nemotron-vl-rerank")
    os.makedirs(directory, exist_ok=True)
    write_safetensors(os.path.join(directory, "model.safetensors"), tensors)
    write_json(os.path.join(directory, "config.json"), config_json())


def reference_case(out):
    sys.path.insert(0, os.path.abspath(REFERENCE))
    import nemotron_vl_rerank
    from decoder_blocks import DTYPE

    generator = torch.Generator().manual_seed(21)

    def normal(*shape, mean=0.0):
        return torch.randn(shape, generator=generator) * 0.1 + mean

    v, hv, p, inter = "model.vision_model.vision_model.", VISION["hidden_size"], VISION["patch_size"], VISION["intermediate_size"]
    tensors = {v + "embeddings.patch_embedding.weight": normal(hv, 3, p, p), v + "embeddings.patch_embedding.bias": normal(hv),
               v + "embeddings.position_embedding.weight": normal(64, hv)}
    for layer in range(VISION["num_hidden_layers"]):
        q = f"{v}encoder.layers.{layer}."
        for norm in ("layer_norm1", "layer_norm2"):
            tensors[q + norm + ".weight"], tensors[q + norm + ".bias"] = normal(hv, mean=1.0), normal(hv)
        for name in ("q_proj", "k_proj", "v_proj", "out_proj"):
            tensors[f"{q}self_attn.{name}.weight"], tensors[f"{q}self_attn.{name}.bias"] = normal(hv, hv), normal(hv)
        tensors[q + "mlp.fc1.weight"], tensors[q + "mlp.fc1.bias"] = normal(inter, hv), normal(inter)
        tensors[q + "mlp.fc2.weight"], tensors[q + "mlp.fc2.bias"] = normal(hv, inter), normal(hv)
    tensors[v + "post_layernorm.weight"], tensors[v + "post_layernorm.bias"] = normal(hv, mean=1.0), normal(hv)
    h = LLM["hidden_size"]
    tensors.update({"model.mlp1.0.weight": normal(hv * 4, mean=1.0), "model.mlp1.0.bias": normal(hv * 4),
                    "model.mlp1.1.weight": normal(h, hv * 4), "model.mlp1.1.bias": normal(h),
                    "model.mlp1.3.weight": normal(h, h), "model.mlp1.3.bias": normal(h)})
    l, d = "model.language_model.", LLM["head_dim"]
    tensors[l + "embed_tokens.weight"] = normal(VOCAB, h)
    for layer in range(LLM["num_hidden_layers"]):
        q = f"{l}layers.{layer}."
        tensors[q + "input_layernorm.weight"] = normal(h, mean=1.0)
        tensors[q + "self_attn.q_proj.weight"] = normal(4 * d, h)
        tensors[q + "self_attn.k_proj.weight"] = normal(2 * d, h)
        tensors[q + "self_attn.v_proj.weight"] = normal(2 * d, h)
        tensors[q + "self_attn.o_proj.weight"] = normal(h, 4 * d)
        tensors[q + "post_attention_layernorm.weight"] = normal(h, mean=1.0)
        tensors[q + "mlp.gate_proj.weight"] = normal(LLM["intermediate_size"], h)
        tensors[q + "mlp.up_proj.weight"] = normal(LLM["intermediate_size"], h)
        tensors[q + "mlp.down_proj.weight"] = normal(h, LLM["intermediate_size"])
    tensors[l + "norm.weight"] = normal(h, mean=1.0)
    tensors["score.weight"] = normal(1, h)
    save(out, tensors)
    input_ids, attention_mask, pixel_values = rows()
    weights = {name: tensor.to(DTYPE) for name, tensor in tensors.items()}
    with torch.no_grad():
        logits = nemotron_vl_rerank.score(config_json(), weights, input_ids, attention_mask, pixel_values.to(DTYPE))
    return "packages/models/reference (dry run, no transformers)", input_ids, attention_mask, pixel_values, logits


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--dry-run", action="store_true")
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    torch.set_num_threads(min(8, os.cpu_count() or 1))
    producer = reference_case if arguments.dry_run else transformers_case
    oracle, input_ids, attention_mask, pixel_values, logits = producer(arguments.out)
    write_json(os.path.join(arguments.out, "oracle.json"), {
        "oracle": oracle,
        "torch": torch.__version__,
        "tolerance": 1e-4,
        "input_ids": input_ids.tolist(),
        "attention_mask": attention_mask.tolist(),
        "pixel_shape": list(pixel_values.shape),
        "pixel_values": pixel_values.flatten().tolist(),
        "cases": [{"name": "nemotron-vl-rerank", "family": "llama-nemotron-vl-rerank",
                   "directory": "nemotron-vl-rerank", "logits": logits.double().tolist()}],
    })
    print(f"vision oracle: 1 case from {oracle} in {arguments.out}")


if __name__ == "__main__":
    main()
