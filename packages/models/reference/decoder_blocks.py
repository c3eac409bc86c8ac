"""Decoder building blocks (Llama, Mistral, Qwen3) written from the architectures' definitions
with torch.nn.functional, for the independent references of the decoder families. Nothing here
is derived from the ONNX graphs the TypeScript families write: these follow the papers and
transformers' modeling code as published (RMSNorm, rotary embeddings with Llama 3 rescaling,
grouped-query attention, SwiGLU). Computed in float64 so that the reference is the ground truth
our float32 graphs are measured against."""
import math

import torch
import torch.nn.functional as F

DTYPE = torch.float64


def rms_norm(x, weight, eps):
    """Root-mean-square norm (Zhang & Sennrich 2019): x / sqrt(mean(x²) + eps) · weight."""
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rope_parameters(config):
    """(theta, scaling) from rope_parameters (transformers 5) or rope_theta + rope_scaling."""
    scaling = config.get("rope_parameters") or config.get("rope_scaling") or {}
    theta = scaling.get("rope_theta", config.get("rope_theta", 10000.0))
    return theta, scaling


def inverse_frequencies(config, head_dim):
    """1 / theta^(2i/d) in float32 (as checkpoints were trained), rescaled per rope_type:
    "linear" divides by factor; "llama3" (Llama 3.1 / 3.2) keeps wavelengths shorter than
    original_max / high_freq_factor, divides those longer than original_max / low_freq_factor
    by factor, and interpolates linearly in 1/wavelength between the two."""
    theta, scaling = rope_parameters(config)
    rope_type = scaling.get("rope_type", scaling.get("type", "default"))
    exponents = torch.arange(0, head_dim, 2, dtype=torch.int64).to(torch.float32) / head_dim
    inv_freq = 1.0 / (theta ** exponents)
    if rope_type == "default":
        return inv_freq
    factor = scaling["factor"]
    if rope_type == "linear":
        return inv_freq / factor
    if rope_type != "llama3":
        raise ValueError(f"rope_type {rope_type} is not in this reference")
    low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
    original = scaling["original_max_position_embeddings"]
    wavelength = 2 * math.pi / inv_freq
    rescaled = torch.where(wavelength > original / low, inv_freq / factor, inv_freq)
    smooth = (original / wavelength - low) / (high - low)
    blended = (1 - smooth) * rescaled / factor + smooth * rescaled
    medium = (wavelength >= original / high) & (wavelength <= original / low)
    return torch.where(medium, blended, rescaled)


def rotary_cos_sin(config, head_dim, length):
    """cos/sin of position · frequency for positions 0..length-1, [length, head_dim]: the angle
    is taken in float32 (as transformers computes it), the rest in float64."""
    inv_freq = inverse_frequencies(config, head_dim)
    positions = torch.arange(length, dtype=torch.float32)
    angles = torch.outer(positions, inv_freq)
    both = torch.cat([angles, angles], dim=-1).to(DTYPE)
    return both.cos(), both.sin()


def rotate(x, cos, sin):
    """Rotary embedding, rotate-half layout (GPT-NeoX / Llama): pairs (x_i, x_{i+d/2})."""
    half = x.shape[-1] // 2
    rotated_half = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos + rotated_half * sin


def allowed_keys(attention_mask, causal, sliding_window):
    """[batch, 1, queries, keys] booleans: a query sees non-pad keys, only earlier ones when
    causal, and only keys fewer than `sliding_window` positions away when a window is set."""
    length = attention_mask.shape[1]
    query = torch.arange(length)[:, None]
    key = torch.arange(length)[None, :]
    allowed = attention_mask.bool()[:, None, None, :].expand(-1, 1, length, length)
    if causal:
        allowed = allowed & (key <= query)
    if sliding_window is not None:
        allowed = allowed & ((query - key).abs() < sliding_window)
    return allowed


def grouped_query_attention(q, k, v, allowed):
    """Scaled dot-product attention where each key/value head serves heads / kv_heads query
    heads (Ainslie et al. 2023). Masked scores get the dtype's minimum, as transformers does."""
    groups = q.shape[1] // k.shape[1]
    k = k.repeat_interleave(groups, dim=1)
    v = v.repeat_interleave(groups, dim=1)
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
    return F.softmax(scores, dim=-1) @ v


def _linear(x, weights, name):
    return F.linear(x, weights[name + ".weight"], weights.get(name + ".bias"))


def decoder(config, weights, input_ids, attention_mask, causal, query_key_norm, prefix="model.",
            inputs_embeds=None):
    """The final-norm hidden states [batch, sequence, hidden] of a Llama-style decoder
    (`inputs_embeds`, when given, replaces the token embeddings: a VLM's image features)."""
    heads = config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads") or heads
    head_dim = config.get("head_dim") or config["hidden_size"] // heads
    eps = config.get("rms_norm_eps", 1e-6)
    window = config.get("sliding_window") if config.get("use_sliding_window", True) else None
    batch, length = input_ids.shape
    cos, sin = rotary_cos_sin(config, head_dim, length)
    allowed = allowed_keys(attention_mask, causal, window)
    hidden = inputs_embeds
    if hidden is None:
        hidden = F.embedding(input_ids, weights[prefix + "embed_tokens.weight"])
    for layer in range(config["num_hidden_layers"]):
        p = f"{prefix}layers.{layer}."
        x = rms_norm(hidden, weights[p + "input_layernorm.weight"], eps)
        q = _linear(x, weights, p + "self_attn.q_proj").view(batch, length, heads, head_dim)
        k = _linear(x, weights, p + "self_attn.k_proj").view(batch, length, kv_heads, head_dim)
        v = _linear(x, weights, p + "self_attn.v_proj").view(batch, length, kv_heads, head_dim)
        if query_key_norm:  # Qwen3: RMSNorm over each head before the rotation
            q = rms_norm(q, weights[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, weights[p + "self_attn.k_norm.weight"], eps)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        attended = grouped_query_attention(q, k, v, allowed)
        attended = attended.transpose(1, 2).reshape(batch, length, heads * head_dim)
        hidden = hidden + _linear(attended, weights, p + "self_attn.o_proj")
        x = rms_norm(hidden, weights[p + "post_attention_layernorm.weight"], eps)
        gated = F.silu(_linear(x, weights, p + "mlp.gate_proj")) * _linear(x, weights, p + "mlp.up_proj")
        hidden = hidden + _linear(gated, weights, p + "mlp.down_proj")
    return rms_norm(hidden, weights[prefix + "norm.weight"], eps)


def pool(hidden, attention_mask, pooling):
    """NVIDIA's pool types: "avg" (mean over non-pad tokens), "last" (last non-pad token,
    right padding), "cls" (first token)."""
    if pooling == "avg":
        mask = attention_mask[..., None].to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1)
    if pooling == "last":
        return hidden[torch.arange(hidden.shape[0]), attention_mask.sum(1) - 1]
    if pooling == "cls":
        return hidden[:, 0]
    raise ValueError(f"pooling {pooling} is not in this reference")
