"""The second oracle of the device check: transformers' own Llama, Mistral and Qwen3 code scores
random tiny decoder rerankers, and the project's families must match its logits (fp32, 1e-4).

  python3 decoder_oracle.py --out <folder>            transformers (5.x, or 4.x) from config only
  python3 decoder_oracle.py --out <folder> --dry-run  no transformers: same files, same rows, the
                                                      logits from packages/models/reference

No download: every model is built from a config (`_from_config`, random weights from a seed),
written with `save_pretrained()` (safetensors), and scored on the CPU in float32 (a GPU's TF32
matmuls would blur the 1e-4 comparison). Writes <folder>/<case>/ (config.json,
model.safetensors, tokenizer.json for Qwen3) and <folder>/oracle.json; then
`benchmarks/reranker/src/decoder-oracle/check-decoder-oracle.ts <folder>` scores the same rows
with our graphs and compares.

The cases:
- llama-bidirectional: LlamaForSequenceClassification made bidirectional the way NVIDIA's remote
  code (llama_bidirectional_model.py) does it: `is_causal = False` on every attention layer and a
  padding-only 4D mask (`_prepare_4d_attention_mask`), then the mean over non-pad tokens and
  `score`; config.json then names NVIDIA's architecture, model_type, pooling and temperature.
  (transformers' masking_utils returns a 4D mask as given — "If the mask is already 4D, simply
  return as-is", in 4.57 and 5.x sources — and eager attention adds it to the scores.)
  rope_scaling is Llama 3's with original_max_position_embeddings 32 and rows up to 128 tokens.
- mistral-causal: transformers' MistralForSequenceClassification as is (causal, sliding window
  16, scored at the last non-pad token).
- mistral-bidirectional: the same blocks with NVIDIA's recipe (bidirectional, window on both
  sides, mean pooling), masked by hand as for Llama.
- qwen3-reranker: Qwen3ForCausalLM, logit("yes") − logit("no") at the last non-pad token.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "..", "..", "packages", "models", "reference")

SHAPE = dict(
    vocab_size=512,
    hidden_size=64,
    intermediate_size=128,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    head_dim=16,
    max_position_embeddings=128,
    rms_norm_eps=1e-5,
    pad_token_id=0,
)
LLAMA3_SCALING = dict(
    rope_type="llama3",
    factor=32.0,
    low_freq_factor=1.0,
    high_freq_factor=4.0,
    original_max_position_embeddings=32,
)
YES_ID, NO_ID = 417, 88
ROW_LENGTHS = (1, 5, 17, 40, 70, 128)


def rows():
    """Token rows (ids 1..511; 0 pads), right-padded: one token, padding, long, truncated."""
    random = np.random.RandomState(7)
    batch = [random.randint(1, SHAPE["vocab_size"], size=length).tolist() for length in ROW_LENGTHS]
    width = max(ROW_LENGTHS)
    input_ids = [row + [0] * (width - len(row)) for row in batch]
    attention_mask = [[1] * len(row) + [0] * (width - len(row)) for row in batch]
    return torch.tensor(input_ids), torch.tensor(attention_mask)


def tiny_tokenizer_json():
    """Qwen's tokenizer.json layout cut to 512 ids: chat markers added, yes/no in the vocabulary."""
    vocab = {f"t{i}": i for i in range(300)}
    vocab.update({"yes": YES_ID, "no": NO_ID})
    return {
        "version": "1.0",
        "added_tokens": [
            {"id": 509, "content": "<|im_start|>", "special": True},
            {"id": 510, "content": "<|im_end|>", "special": True},
            {"id": 511, "content": "<|endoftext|>", "special": True},
        ],
        "model": {"type": "BPE", "vocab": vocab, "merges": []},
    }


def bidirectional_mask(attention_mask, sliding_window=None, dtype=torch.float32):
    """[batch, 1, q, k] additive: 0 where a query may see a key (non-pad, within the window on
    either side), the dtype's minimum elsewhere, as NVIDIA's _prepare_4d_attention_mask."""
    length = attention_mask.shape[1]
    allowed = attention_mask.bool()[:, None, None, :].expand(-1, 1, length, length)
    if sliding_window is not None:
        index = torch.arange(length)
        allowed = allowed & ((index[:, None] - index[None, :]).abs() < sliding_window)
    mask = torch.zeros(allowed.shape, dtype=dtype)
    return mask.masked_fill(~allowed, torch.finfo(dtype).min)


def mean_pool(hidden, attention_mask):
    mask = attention_mask[..., None].to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1)


def widen_weights(model, seed):
    """N(0, 0.1²) weights, N(1, 0.1²) norm scales: transformers' 0.02 initialisation gives
    near-zero logits, which any graph would match."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator) * 0.1
            parameter.copy_(noise + (1.0 if "norm" in name else 0.0))


def patch_config(directory, **changes):
    path = os.path.join(directory, "config.json")
    with open(path, encoding="utf-8") as handle:
        config = json.load(handle)
    config.update(changes)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(config, handle, indent=2)


# ---- transformers (the device machine) -------------------------------------------------------


def transformers_cases(out):
    import transformers
    from transformers import (
        LlamaConfig,
        LlamaForSequenceClassification,
        MistralConfig,
        MistralForSequenceClassification,
        Qwen3Config,
        Qwen3ForCausalLM,
    )

    major = int(transformers.__version__.split(".")[0])

    def rope(theta, scaling=None):
        # transformers 5 keeps theta and scaling together in rope_parameters.
        if major >= 5:
            return {"rope_parameters": dict(scaling or {"rope_type": "default"}, rope_theta=theta)}
        return {"rope_theta": theta, "rope_scaling": scaling}

    def build(model_class, config, seed):
        torch.manual_seed(seed)
        model = model_class._from_config(config, attn_implementation="eager")
        widen_weights(model, seed)
        return model.float().eval()

    input_ids, attention_mask = rows()
    cases = []
    with torch.no_grad():
        # NVIDIA's Llama 3.2 reranker recipe on transformers' Llama blocks.
        config = LlamaConfig(**SHAPE, num_labels=1, tie_word_embeddings=False, **rope(10000.0, LLAMA3_SCALING))
        model = build(LlamaForSequenceClassification, config, 1)
        for layer in model.model.layers:
            layer.self_attn.is_causal = False

        def llama_hidden(ids, mask):
            return model.model(input_ids=ids, attention_mask=bidirectional_mask(mask)).last_hidden_state

        def llama_logits(ids, mask):
            return model.score(mean_pool(llama_hidden(ids, mask), mask))[:, 0]

        check_bidirectional(llama_hidden, input_ids, attention_mask)
        directory = os.path.join(out, "llama-bidirectional")
        model.save_pretrained(directory)  # safetensors by default (4.35+, 5.x)
        patch_config(
            directory,
            architectures=["LlamaBidirectionalForSequenceClassification"],
            model_type="llama_bidirec",
            pooling="avg",
            temperature=1.0,
        )
        cases.append(("llama-bidirectional", "llama-bidirectional", llama_logits(input_ids, attention_mask)))

        # transformers' MistralForSequenceClassification, unchanged.
        config = MistralConfig(**SHAPE, num_labels=1, sliding_window=16, **rope(10000.0))
        model = build(MistralForSequenceClassification, config, 2)
        directory = os.path.join(out, "mistral-causal")
        model.save_pretrained(directory)  # safetensors by default (4.35+, 5.x)
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, 0]
        cases.append(("mistral-causal", "mistral", logits))

        # NVIDIA's bidirectional recipe on Mistral's blocks (window on both sides).
        mistral = build(MistralForSequenceClassification, config, 3)
        for layer in mistral.model.layers:
            layer.self_attn.is_causal = False

        def mistral_hidden(ids, mask):
            return mistral.model(input_ids=ids, attention_mask=bidirectional_mask(mask, 16)).last_hidden_state

        def mistral_logits(ids, mask):
            return mistral.score(mean_pool(mistral_hidden(ids, mask), mask))[:, 0]

        check_bidirectional(mistral_hidden, input_ids, attention_mask)
        directory = os.path.join(out, "mistral-bidirectional")
        mistral.save_pretrained(directory)  # safetensors by default (4.35+, 5.x)
        patch_config(
            directory,
            architectures=["MistralBidirectionalForSequenceClassification"],
            model_type="mistral_bidirec",
            pooling="avg",
        )
        cases.append(("mistral-bidirectional", "mistral", mistral_logits(input_ids, attention_mask)))

        # Qwen3-Reranker: a causal LM asked yes or no.
        config = Qwen3Config(**SHAPE, use_sliding_window=False, tie_word_embeddings=True, **rope(1000000.0))
        model = build(Qwen3ForCausalLM, config, 4)
        directory = os.path.join(out, "qwen3-reranker")
        model.save_pretrained(directory)  # safetensors by default (4.35+, 5.x)
        write_json(os.path.join(directory, "tokenizer.json"), tiny_tokenizer_json())
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits
        last = logits[torch.arange(logits.shape[0]), attention_mask.sum(1) - 1]
        cases.append(("qwen3-reranker", "qwen3-reranker", last[:, YES_ID] - last[:, NO_ID]))
    return f"transformers {transformers.__version__}", input_ids, attention_mask, cases


def check_bidirectional(hidden_states, input_ids, attention_mask):
    """Proves the padding-only mask reached the attention: the first token's final state must
    move when a later token changes, which a causal mask forbids."""
    changed = input_ids.clone()
    changed[3, 39] = (changed[3, 39] % 500) + 1
    before = hidden_states(input_ids, attention_mask)[3, 0]
    after = hidden_states(changed, attention_mask)[3, 0]
    if torch.equal(before, after):
        raise SystemExit("oracle: attention stayed causal (a later token did not reach the first)")


# ---- dry run (CI, no transformers): same files from plain tensors, logits from our reference ---


def write_safetensors(path, tensors):
    header, offset, chunks = {}, 0, []
    for name, tensor in tensors.items():
        data = tensor.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    encoded = json.dumps(header).encode("utf-8")
    encoded += b" " * ((8 - len(encoded) % 8) % 8)
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(encoded)))
        handle.write(encoded)
        for chunk in chunks:
            handle.write(chunk)


def random_decoder_tensors(seed, head, query_key_norm=False, tied=False):
    generator = torch.Generator().manual_seed(seed)

    def normal(*shape, mean=0.0):
        return torch.randn(shape, generator=generator) * 0.1 + mean

    h, d = SHAPE["hidden_size"], SHAPE["head_dim"]
    q, kv, inter = SHAPE["num_attention_heads"] * d, SHAPE["num_key_value_heads"] * d, SHAPE["intermediate_size"]
    tensors = {"model.embed_tokens.weight": normal(SHAPE["vocab_size"], h)}
    for layer in range(SHAPE["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        tensors[p + "input_layernorm.weight"] = normal(h, mean=1.0)
        tensors[p + "self_attn.q_proj.weight"] = normal(q, h)
        tensors[p + "self_attn.k_proj.weight"] = normal(kv, h)
        tensors[p + "self_attn.v_proj.weight"] = normal(kv, h)
        if query_key_norm:
            tensors[p + "self_attn.q_norm.weight"] = normal(d, mean=1.0)
            tensors[p + "self_attn.k_norm.weight"] = normal(d, mean=1.0)
        tensors[p + "self_attn.o_proj.weight"] = normal(h, q)
        tensors[p + "post_attention_layernorm.weight"] = normal(h, mean=1.0)
        tensors[p + "mlp.gate_proj.weight"] = normal(inter, h)
        tensors[p + "mlp.up_proj.weight"] = normal(inter, h)
        tensors[p + "mlp.down_proj.weight"] = normal(h, inter)
    tensors["model.norm.weight"] = normal(h, mean=1.0)
    if head == "score":
        tensors["score.weight"] = normal(1, h)
    elif not tied:
        tensors["lm_head.weight"] = normal(SHAPE["vocab_size"], h)
    return tensors


def reference_cases(out):
    sys.path.insert(0, os.path.abspath(REFERENCE))
    import llama_bidirectional
    import mistral
    import qwen3_reranker
    from decoder_blocks import DTYPE

    input_ids, attention_mask = rows()
    specs = [
        ("llama-bidirectional", "llama-bidirectional", "score", dict(
            architectures=["LlamaBidirectionalForSequenceClassification"], model_type="llama_bidirec",
            rope_theta=10000.0, rope_scaling=LLAMA3_SCALING, pooling="avg", temperature=1.0)),
        ("mistral-causal", "mistral", "score", dict(
            architectures=["MistralForSequenceClassification"], model_type="mistral",
            rope_theta=10000.0, sliding_window=16)),
        ("mistral-bidirectional", "mistral", "score", dict(
            architectures=["MistralBidirectionalForSequenceClassification"], model_type="mistral_bidirec",
            rope_theta=10000.0, sliding_window=16, pooling="avg")),
        ("qwen3-reranker", "qwen3-reranker", "lm-head", dict(
            architectures=["Qwen3ForCausalLM"], model_type="qwen3", rope_theta=1000000.0,
            use_sliding_window=False, tie_word_embeddings=True)),
    ]
    cases = []
    for seed, (name, family, head, extra) in enumerate(specs, start=1):
        directory = os.path.join(out, name)
        os.makedirs(directory, exist_ok=True)
        config = dict(SHAPE, **extra)
        tensors = random_decoder_tensors(seed, head, family == "qwen3-reranker", config.get("tie_word_embeddings", False))
        write_safetensors(os.path.join(directory, "model.safetensors"), tensors)
        write_json(os.path.join(directory, "config.json"), config)
        weights = {key: value.to(DTYPE) for key, value in tensors.items()}
        with torch.no_grad():
            if family == "llama-bidirectional":
                logits = llama_bidirectional.score(config, weights, input_ids, attention_mask)
            elif family == "mistral":
                logits = mistral.score(config, weights, input_ids, attention_mask)
            else:
                write_json(os.path.join(directory, "tokenizer.json"), tiny_tokenizer_json())
                logits = qwen3_reranker.score(config, weights, input_ids, attention_mask, YES_ID, NO_ID)
        cases.append((name, family, logits))
    return "packages/models/reference (dry run, no transformers)", input_ids, attention_mask, cases


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--dry-run", action="store_true")
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    torch.set_num_threads(min(8, os.cpu_count() or 1))
    producer = reference_cases if arguments.dry_run else transformers_cases
    oracle, input_ids, attention_mask, cases = producer(arguments.out)
    report = {
        "oracle": oracle,
        "torch": torch.__version__,
        "tolerance": 1e-4,
        "input_ids": input_ids.tolist(),
        "attention_mask": attention_mask.tolist(),
        "cases": [
            {"name": name, "family": family, "directory": name, "logits": logits.double().tolist()}
            for name, family, logits in cases
        ],
    }
    write_json(os.path.join(arguments.out, "oracle.json"), report)
    print(f"decoder oracle: {len(cases)} cases from {oracle} in {arguments.out}")


if __name__ == "__main__":
    main()
