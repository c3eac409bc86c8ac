"""NVIDIA's llama-nemotron-rerank-vl (LlamaNemotronVLForSequenceClassification), written from
the published recipe with torch.nn.functional, independently of the TypeScript graph:
SigLIP vision tower → pixel shuffle (InternVL's view/permute sequence, as NeMo AutoModel's
model.py writes it) → mlp1 (LayerNorm, Linear, exact GELU, Linear) → the image features copied
over the <IMG_CONTEXT> token embeddings in reading order → bidirectional Llama → mean pooling →
`score`. Image preprocessing follows NVIDIA's rerank processor with PIL: dynamic tiling by the
closest aspect ratio (area-weighted), bicubic resizes, an optional thumbnail, /255, then
SigLIP's (x - 0.5) / 0.5."""
import math

import torch
import torch.nn.functional as F

from decoder_blocks import DTYPE, decoder, pool


def _prefix(weights, probe, candidates):
    for candidate in candidates:
        if candidate + probe in weights:
            return candidate
    raise KeyError(f"no {probe} under any of {candidates}")


def _layer_norm(x, weights, name, eps):
    return F.layer_norm(x, (x.shape[-1],), weights[name + ".weight"], weights[name + ".bias"], eps)


def _linear(x, weights, name):
    return F.linear(x, weights[name + ".weight"], weights.get(name + ".bias"))


def _gelu(x, kind):
    return F.gelu(x) if kind == "gelu" else F.gelu(x, approximate="tanh")


def siglip(vision_config, weights, prefix, pixel_values, select_layer):
    hidden = vision_config["hidden_size"]
    heads = vision_config["num_attention_heads"]
    eps = vision_config.get("layer_norm_eps", 1e-6)
    act = vision_config.get("hidden_act", "gelu_pytorch_tanh")
    patch = vision_config["patch_size"]
    e = prefix + "embeddings."
    x = F.conv2d(pixel_values, weights[e + "patch_embedding.weight"], weights[e + "patch_embedding.bias"], stride=patch)
    x = x.flatten(2).transpose(1, 2) + weights[e + "position_embedding.weight"][None]
    states = [x]
    for layer in range(vision_config["num_hidden_layers"]):
        p = f"{prefix}encoder.layers.{layer}."
        h = _layer_norm(x, weights, p + "layer_norm1", eps)
        tiles, length, _ = h.shape
        split = lambda t: t.view(tiles, length, heads, hidden // heads).transpose(1, 2)  # noqa: E731
        q, k, v = (split(_linear(h, weights, p + "self_attn." + n)) for n in ("q_proj", "k_proj", "v_proj"))
        probabilities = F.softmax(q @ k.transpose(-1, -2) / math.sqrt(hidden // heads), dim=-1)
        attended = (probabilities @ v).transpose(1, 2).reshape(tiles, length, hidden)
        x = x + _linear(attended, weights, p + "self_attn.out_proj")
        h = _layer_norm(x, weights, p + "layer_norm2", eps)
        x = x + _linear(_gelu(_linear(h, weights, p + "mlp.fc1"), act), weights, p + "mlp.fc2")
        states.append(x)
    if select_layer == -1:
        return _layer_norm(x, weights, prefix + "post_layernorm", eps)
    return states[select_layer]


def pixel_shuffle(x, scale):
    """InternVL's pixel_shuffle on [n, w, h, c], as written in NeMo AutoModel's model.py."""
    n, w, h, c = x.shape
    x = x.view(n, w, int(h * scale), int(c / scale)).permute(0, 2, 1, 3).contiguous()
    x = x.view(n, int(h * scale), int(w * scale), int(c / (scale * scale)))
    return x.permute(0, 2, 1, 3).contiguous()


def image_features(config, weights, pixel_values, broken=None):
    vision_prefix = _prefix(weights, "embeddings.patch_embedding.weight",
                            ["model.vision_model.vision_model.", "model.vision_model."])
    mlp = _prefix(weights, "0.weight", ["model.mlp1.", "mlp1."])
    states = siglip(config["vision_config"], weights, vision_prefix, pixel_values, config.get("select_layer", -1))
    tiles, n, c = states.shape
    side = int(n ** 0.5)
    grid = states.reshape(tiles, side, side, c)
    ratio = config.get("downsample_ratio", 0.5)
    if broken == "no-pixel-shuffle":
        # The deliberate mistake the comparison must catch: channels of neighbours concatenated
        # in plain memory order instead of InternVL's interleaving.
        shuffled = grid.reshape(tiles, -1, int(c / ratio / ratio))
    else:
        shuffled = pixel_shuffle(grid, ratio).reshape(tiles, -1, int(c / ratio / ratio))
    x = _layer_norm(shuffled, weights, mlp + "0", 1e-5)
    x = F.gelu(_linear(x, weights, mlp + "1"))
    return _linear(x, weights, mlp + "3")


def score(config, weights, input_ids, attention_mask, pixel_values, broken=None):
    llm = config["llm_config"]
    prefix = _prefix(weights, "embed_tokens.weight", ["model.language_model.", "language_model."])
    embeds = F.embedding(input_ids, weights[prefix + "embed_tokens.weight"])
    image_id = config.get("img_context_token_id", 128258)
    if pixel_values is not None and pixel_values.shape[0] > 0:
        features = image_features(config, weights, pixel_values, broken).reshape(-1, embeds.shape[-1])
        flat = embeds.reshape(-1, embeds.shape[-1])
        selected = (input_ids.reshape(-1) == image_id).nonzero(as_tuple=False).squeeze(1)
        if selected.numel() != features.shape[0]:
            raise ValueError(f"{selected.numel()} image tokens for {features.shape[0]} image features")
        embeds = flat.index_copy(0, selected, features.to(flat.dtype)).reshape(embeds.shape)
    hidden = decoder(llm, weights, input_ids, attention_mask, False, False, prefix, inputs_embeds=embeds)
    pooled = pool(hidden, attention_mask, config.get("pooling") or "avg")
    return F.linear(pooled, weights["score.weight"], weights.get("score.bias"))[:, 0] / config.get("temperature", 1.0)


def closest_ratio(width, height, max_tiles, size):
    """NVIDIA's find_closest_aspect_ratio: of the grids with 1..max_tiles tiles (fewest tiles
    first), the one maximising min(area ratio, 0.6) · aspect similarity; first wins ties."""
    ratios = sorted({(i, j) for n in range(1, max_tiles + 1) for i in range(1, n + 1)
                     for j in range(1, n + 1) if 1 <= i * j <= max_tiles}, key=lambda r: r[0] * r[1])
    aspect = width / height
    best, best_factor = (1, 1), float("-inf")
    for ratio in ratios:
        target = ratio[0] / ratio[1]
        factor = min(ratio[0] * ratio[1] * size * size / (width * height), 0.6) * min(target / aspect, aspect / target)
        if factor > best_factor:
            best, best_factor = ratio, factor
    return best


def image_tiles(path, size, max_tiles, use_thumbnail, dynamic):
    """[tiles, 3, size, size] float64, as the rerank processor makes them (PIL, bicubic)."""
    from PIL import Image

    image = Image.open(path).convert("RGB")
    if dynamic:
        columns, rows = closest_ratio(image.width, image.height, max_tiles, size)
        resized = image.resize((size * columns, size * rows), Image.BICUBIC)
        tiles = [resized.crop((c * size, r * size, (c + 1) * size, (r + 1) * size))
                 for r in range(rows) for c in range(columns)]
        if use_thumbnail and len(tiles) != 1:
            tiles.append(image.resize((size, size), Image.BICUBIC))
    else:
        tiles = [image.resize((size, size), Image.BICUBIC)]
    data = torch.stack([torch.tensor(list(t.getdata()), dtype=DTYPE).view(size, size, 3).permute(2, 0, 1) for t in tiles])
    return (data / 255 - 0.5) / 0.5
