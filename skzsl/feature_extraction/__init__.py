"""Images to features: pooled vectors and region maps from torchvision backbones.

Needs torchvision, the optional ``vision`` extra (``pip install "skzsl[vision]"``);
this package imports without it and says so when it is used.
"""

from ._benchmark_images import IMAGE_LAYOUTS, benchmark_image_paths, extract_benchmark_features
from ._image import ImageFeatureExtractor, ImageReadError

__all__ = ["IMAGE_LAYOUTS", "ImageFeatureExtractor", "ImageReadError",
           "benchmark_image_paths", "extract_benchmark_features"]
