"""Synthetic images written to a temporary folder, for the feature-extraction tests."""

import numpy as np


def write_images(folder, n, *, seed=0, sizes=((20, 26), (31, 17), (24, 24)), suffix=".png"):
    """``n`` random RGB images of varied sizes (and one grayscale) saved in ``folder``."""
    from PIL import Image

    rng = np.random.RandomState(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        h, w = sizes[i % len(sizes)]
        pixels = rng.randint(0, 256, (h, w, 3), dtype=np.uint8)
        image = Image.fromarray(pixels)
        if i % 4 == 3:
            image = image.convert("L")
        path = folder / f"image_{i:03d}{suffix}"
        image.save(path)
        paths.append(str(path))
    return paths
