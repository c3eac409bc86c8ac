"""Mistral rerankers. NVIDIA's recipe (nv-rerankqa-mistral-4b-v3; "MistralBidirectional*"):
the Llama reranker's bidirectional attention and pooled score head on Mistral's blocks, whose
only difference from Llama's is the sliding window. transformers' MistralForSequenceClassification:
causal attention, scored at the last non-pad token."""
import llama_bidirectional


def is_bidirectional(config):
    names = " ".join(config.get("architectures") or []) + " " + str(config.get("model_type"))
    return "Bidirectional" in names or "bidirec" in names


def score(config, weights, input_ids, attention_mask):
    if is_bidirectional(config):
        return llama_bidirectional.score(config, weights, input_ids, attention_mask)
    return llama_bidirectional.score(
        dict(config, pooling=None), weights, input_ids, attention_mask, causal=True, default_pooling="last"
    )
