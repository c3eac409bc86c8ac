"""The peer of the GPU check: sentence-transformers' CrossEncoder on PyTorch.

Builds a random-weight BertForSequenceClassification from the config.json and tokenizer.json
of a model folder written by createTinyBertModel (the same architecture and tokenizer as the
ONNX model: speed does not depend on weight values), then times CrossEncoder.predict on the
pairs of a JSON file. Prints one JSON object on stdout. When PyTorch, transformers or
sentence-transformers cannot be imported (or CUDA is asked for but absent), it prints
{"available": false, "reason": ...} and exits 0: the caller reports the peer as unavailable.
No network: nothing is downloaded.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time


def unavailable(reason):
    print(json.dumps({"available": False, "reason": reason}))
    sys.exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--pairs", required=True, help="JSON file: {query, passages}")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--dtype", choices=["fp16", "fp32"], default="fp16")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=512)
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        import transformers
        import sentence_transformers
        from sentence_transformers import CrossEncoder
        from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer
    except Exception as error:  # noqa: BLE001 - any import failure means "no peer here"
        unavailable(f"python peer not importable ({type(error).__name__}: {error})")

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        unavailable("torch.cuda.is_available() is False")

    with open(args.pairs, encoding="utf-8") as handle:
        data = json.load(handle)
    pairs = [(data["query"], passage) for passage in data["passages"]]

    config = AutoConfig.from_pretrained(args.model_dir, num_labels=1)
    torch.manual_seed(1)
    model = AutoModelForSequenceClassification.from_config(config)
    tokenizer = AutoTokenizer.from_pretrained(args.model_dir)
    with tempfile.TemporaryDirectory() as folder:
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
        del model
        try:
            encoder = CrossEncoder(
                folder, num_labels=1, max_length=args.max_length, device=args.device
            )
        except TypeError:
            # Releases that renamed or dropped max_length: set the tokenizer's limit instead.
            encoder = CrossEncoder(folder, num_labels=1, device=args.device)
            if hasattr(encoder, "max_length"):
                encoder.max_length = args.max_length
    if args.dtype == "fp16":
        inner = getattr(encoder, "model", encoder)
        inner.half()

    def predict(items):
        with torch.inference_mode():
            scores = encoder.predict(items, batch_size=args.batch_size, show_progress_bar=False)
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        return scores

    predict(pairs[:16])  # warm-up: kernels, allocator
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        predict(pairs)
        times.append((time.perf_counter() - start) * 1000)

    print(
        json.dumps(
            {
                "available": True,
                "engine": "sentence-transformers CrossEncoder.predict",
                "device": args.device,
                "gpu": torch.cuda.get_device_name(0) if args.device.startswith("cuda") else None,
                "dtype": args.dtype,
                "batchSize": args.batch_size,
                "versions": {
                    "torch": torch.__version__,
                    "transformers": transformers.__version__,
                    "sentence-transformers": sentence_transformers.__version__,
                    "cuda": torch.version.cuda,
                },
                "passages": len(pairs),
                "runsMs": times,
                "medianMs": statistics.median(times),
            }
        )
    )


if __name__ == "__main__":
    main()
