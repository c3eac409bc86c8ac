"""NVIDIA's Llama 3.2 rerankers (LlamaBidirectionalForSequenceClassification): a Llama decoder
with bidirectional attention (padding masked), pooled ("avg": mean over non-pad tokens), a
linear `score` head to one logit, divided by `temperature`."""
import torch.nn.functional as F

from decoder_blocks import decoder, pool


def score(config, weights, input_ids, attention_mask, causal=False, default_pooling="avg"):
    prefix = "" if "embed_tokens.weight" in weights else "model."
    hidden = decoder(config, weights, input_ids, attention_mask, causal, False, prefix)
    pooled = pool(hidden, attention_mask, config.get("pooling") or default_pooling)
    logits = F.linear(pooled, weights["score.weight"], weights.get("score.bias"))
    return logits[:, 0] / config.get("temperature", 1.0)
