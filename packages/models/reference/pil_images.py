"""PIL's side of the image preprocessing checks (python3-pil): decoded pixels, bicubic resizes
and NVIDIA's tile-grid choice, for packages/models/src/vision tests.
stdin: {"decode": [path, …], "resize": [{"path", "width", "height"}, …],
        "grids": [[width, height, max_tiles, size], …]}
stdout: {"decoded": [{"width", "height", "data": [bytes]}], "resized": [[bytes]], "grids": [[c, r]]}"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from PIL import Image  # noqa: E402

from nemotron_vl_rerank import closest_ratio  # noqa: E402


def rgb_bytes(image):
    return list(image.convert("RGB").tobytes())


def main():
    request = json.load(sys.stdin)
    decoded = []
    for path in request.get("decode", []):
        image = Image.open(path).convert("RGB")
        decoded.append({"width": image.width, "height": image.height, "data": rgb_bytes(image)})
    resized = [rgb_bytes(Image.open(item["path"]).convert("RGB").resize((item["width"], item["height"]), Image.BICUBIC))
               for item in request.get("resize", [])]
    grids = [list(closest_ratio(w, h, tiles, size)) for w, h, tiles, size in request.get("grids", [])]
    json.dump({"decoded": decoded, "resized": resized, "grids": grids}, sys.stdout)


if __name__ == "__main__":
    main()
