"""Qwen3-Reranker: a Qwen3 causal LM (q_norm / k_norm per head) asked "yes" or "no"; the score
is logit(yes) − logit(no) at the last non-pad token (its log-odds of "yes", which the model
card turns into a probability with a softmax over the two)."""
from decoder_blocks import decoder


def score(config, weights, input_ids, attention_mask, yes_id, no_id):
    hidden = decoder(config, weights, input_ids, attention_mask, True, True)
    last = hidden[range(hidden.shape[0]), attention_mask.sum(1) - 1]
    head = weights.get("lm_head.weight")
    if head is None or config.get("tie_word_embeddings"):
        head = weights["model.embed_tokens.weight"]
    logits = last @ head.T
    return logits[:, yes_id] - logits[:, no_id]
