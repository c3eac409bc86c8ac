"""Independent PyTorch references of the encoder families (BERT, XLM-RoBERTa, ModernBERT), written
from the architectures' definitions (transformers' modeling_bert / modeling_xlm_roberta /
modeling_modernbert) with torch.nn building blocks. They never read the ONNX graph the TypeScript
builder writes: the test compares the two.

Usage: python3 encoders.py <model dir> <cross-encoder|embedder> <batch.json>
batch.json: {"input_ids": [[...]], "attention_mask": [[...]], "token_type_ids": [[...]]}
Prints JSON: {"logits": [...]} or {"last_hidden_state": [...], "embeddings": [...]}.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import read_model_weights  # noqa: E402

ACTIVATIONS = {
    "gelu": lambda x: F.gelu(x),
    "gelu_new": lambda x: F.gelu(x, approximate="tanh"),
    "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "relu": F.relu,
    "silu": F.silu,
}


def linear(weights, prefix, bias=True):
    weight = weights[prefix + ".weight"]
    layer = nn.Linear(weight.shape[1], weight.shape[0], bias=bias)
    with torch.no_grad():
        layer.weight.copy_(weight)
        if bias:
            layer.bias.copy_(weights[prefix + ".bias"])
    return layer


def layer_norm(weights, prefix, eps, bias=True):
    weight = weights[prefix + ".weight"]
    norm = nn.LayerNorm(weight.shape[0], eps=eps, elementwise_affine=True)
    with torch.no_grad():
        norm.weight.copy_(weight)
        norm.bias.copy_(weights[prefix + ".bias"] if bias else torch.zeros_like(weight))
    return norm


def embedding(weights, name):
    return nn.Embedding.from_pretrained(weights[name], freeze=True)


def base_prefix(weights, probe, prefixes):
    for prefix in prefixes:
        if prefix + probe in weights:
            return prefix
    return ""


# --- BERT and XLM-RoBERTa (post-LayerNorm encoder, learned absolute positions) --------------------


def bert_shaped(config, weights, batch, task, roberta):
    p = base_prefix(weights, "embeddings.word_embeddings.weight", ["roberta.", "bert.", ""])
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    head_size = hidden // heads
    eps = config.get("layer_norm_eps", 1e-12)
    act = ACTIVATIONS[config.get("hidden_act", "gelu")]
    input_ids = batch["input_ids"]
    mask = batch["attention_mask"]
    if roberta:
        pad = config["pad_token_id"]
        not_pad = input_ids.ne(pad).long()
        positions = torch.cumsum(not_pad, dim=1) * not_pad + pad
        token_types = torch.zeros_like(input_ids)
    else:
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0).expand_as(input_ids)
        token_types = batch["token_type_ids"]
    x = (
        embedding(weights, p + "embeddings.word_embeddings.weight")(input_ids)
        + embedding(weights, p + "embeddings.position_embeddings.weight")(positions)
        + embedding(weights, p + "embeddings.token_type_embeddings.weight")(token_types)
    )
    x = layer_norm(weights, p + "embeddings.LayerNorm", eps)(x)
    additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    batch_size, length = input_ids.shape
    for layer in range(config["num_hidden_layers"]):
        at = f"{p}encoder.layer.{layer}"

        def split(t):
            return t.view(batch_size, length, heads, head_size).transpose(1, 2)

        q = split(linear(weights, at + ".attention.self.query")(x))
        k = split(linear(weights, at + ".attention.self.key")(x))
        v = split(linear(weights, at + ".attention.self.value")(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(head_size) + additive
        context = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(batch_size, length, hidden)
        attended = linear(weights, at + ".attention.output.dense")(context)
        x = layer_norm(weights, at + ".attention.output.LayerNorm", eps)(attended + x)
        ffn = linear(weights, at + ".output.dense")(act(linear(weights, at + ".intermediate.dense")(x)))
        x = layer_norm(weights, at + ".output.LayerNorm", eps)(ffn + x)
    if task == "embedder":
        return x
    cls = x[:, 0]
    if roberta:
        dense = torch.tanh(linear(weights, "classifier.dense")(cls))
        return linear(weights, "classifier.out_proj")(dense)
    pooled = torch.tanh(linear(weights, p + "pooler.dense")(cls))
    return linear(weights, "classifier")(pooled)


# --- ModernBERT (pre-LayerNorm, rotary, alternating local/global attention, GeGLU) ---------------


def rotate_half(t):
    first, second = t.chunk(2, dim=-1)
    return torch.cat((-second, first), dim=-1)


def rotary(t, theta):
    length, dim = t.shape[-2], t.shape[-1]
    inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    angles = torch.outer(torch.arange(length, dtype=torch.float32), inv_freq)
    emb = torch.cat((angles, angles), dim=-1)
    return t * emb.cos() + rotate_half(t) * emb.sin()


def modernbert(config, weights, batch, task):
    p = base_prefix(weights, "embeddings.tok_embeddings.weight", ["model.", ""])
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    head_size = hidden // heads
    eps = config.get("norm_eps", 1e-5)
    norm_bias = config.get("norm_bias", False)
    attention_bias = config.get("attention_bias", False)
    mlp_bias = config.get("mlp_bias", False)
    act = ACTIVATIONS[config.get("hidden_activation", "gelu")]
    every = config.get("global_attn_every_n_layers", 3)
    window = config.get("local_attention", 128)
    global_theta = config.get("global_rope_theta", 160000.0)
    local_theta = config.get("local_rope_theta") or global_theta
    input_ids = batch["input_ids"]
    mask = batch["attention_mask"]
    batch_size, length = input_ids.shape

    x = embedding(weights, p + "embeddings.tok_embeddings.weight")(input_ids)
    x = layer_norm(weights, p + "embeddings.norm", eps, norm_bias)(x)
    global_mask = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    positions = torch.arange(length)
    distance = (positions[None, :] - positions[:, None]).abs()
    outside_window = (distance > window // 2)[None, None, :, :]
    local_mask = global_mask.masked_fill(outside_window, torch.finfo(torch.float32).min)
    for layer in range(config["num_hidden_layers"]):
        at = f"{p}layers.{layer}"
        is_global = layer % every == 0
        normed = x if layer == 0 else layer_norm(weights, at + ".attn_norm", eps, norm_bias)(x)
        qkv = linear(weights, at + ".attn.Wqkv", attention_bias)(normed)
        qkv = qkv.view(batch_size, length, 3, heads, head_size)
        q, k, v = (qkv[:, :, i].transpose(1, 2) for i in range(3))
        theta = global_theta if is_global else local_theta
        q, k = rotary(q, theta), rotary(k, theta)
        scores = q @ k.transpose(-1, -2) / math.sqrt(head_size) + (global_mask if is_global else local_mask)
        context = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(batch_size, length, hidden)
        x = x + linear(weights, at + ".attn.Wo", attention_bias)(context)
        normed = layer_norm(weights, at + ".mlp_norm", eps, norm_bias)(x)
        gate_input, gate = linear(weights, at + ".mlp.Wi", mlp_bias)(normed).chunk(2, dim=-1)
        x = x + linear(weights, at + ".mlp.Wo", mlp_bias)(act(gate_input) * gate)
    x = layer_norm(weights, p + "final_norm", eps, norm_bias)(x)
    if task == "embedder":
        return x
    if config.get("classifier_pooling", "cls") == "cls":
        pooled = x[:, 0]
    else:
        m = mask.unsqueeze(-1).float()
        pooled = (x * m).sum(dim=1) / m.sum(dim=1)
    classifier_bias = config.get("classifier_bias", False)
    head_act = ACTIVATIONS[config.get("classifier_activation", "gelu")]
    dense = linear(weights, "head.dense", classifier_bias)(pooled)
    headed = layer_norm(weights, "head.norm", eps, norm_bias)(head_act(dense))
    return linear(weights, "classifier")(headed)


# --- sentence-transformers pooling --------------------------------------------------------------


def pool(directory, states, mask):
    with open(os.path.join(directory, "1_Pooling", "config.json"), encoding="utf-8") as handle:
        pooling = json.load(handle)
    if pooling.get("pooling_mode_cls_token"):
        pooled = states[:, 0]
    else:
        m = mask.unsqueeze(-1).float()
        pooled = (states * m).sum(dim=1) / m.sum(dim=1).clamp(min=1e-9)
    with open(os.path.join(directory, "modules.json"), encoding="utf-8") as handle:
        modules = json.load(handle)
    if any(module["type"].endswith("Normalize") for module in modules):
        pooled = F.normalize(pooled, p=2, dim=1)
    return pooled


def main():
    directory, task, batch_path = sys.argv[1:4]
    with open(os.path.join(directory, "config.json"), encoding="utf-8") as handle:
        config = json.load(handle)
    with open(batch_path, encoding="utf-8") as handle:
        batch = {name: torch.tensor(values, dtype=torch.long) for name, values in json.load(handle).items()}
    weights = read_model_weights(directory)
    model_type = config.get("model_type")
    with torch.no_grad():
        if model_type == "modernbert":
            out = modernbert(config, weights, batch, task)
        elif model_type in ("xlm-roberta", "roberta"):
            out = bert_shaped(config, weights, batch, task, roberta=True)
        elif model_type == "bert":
            out = bert_shaped(config, weights, batch, task, roberta=False)
        else:
            raise SystemExit(f"no reference for model_type {model_type}")
    if task == "embedder":
        result = {
            "last_hidden_state": out.tolist(),
            "embeddings": pool(directory, out, batch["attention_mask"]).tolist(),
        }
    else:
        result = {"logits": out[:, 0].tolist()}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
