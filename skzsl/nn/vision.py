"""Image classification networks as feature-map extractors (plain torch, no torchvision import).

torchvision's classifiers end with a global pooling layer named ``avgpool``
and a classification head. :class:`FeatureMapNet` runs such a network's own
``forward`` and returns what enters that layer: the last feature map,
``(n, C, H, W)``. Everything the network does before it (Inception's input
transform, Swin's final norm and permutation) is kept; the head never runs.
"""

from torch import nn

__all__ = ["FeatureMapNet"]


class _ReachedPool(Exception):
    """Ends a forward pass at the pooling layer, carrying that layer's input."""

    def __init__(self, feature_map):
        super().__init__()
        self.feature_map = feature_map


def _stop(module, args):
    raise _ReachedPool(args[0])


class FeatureMapNet(nn.Module):
    """A classification network cut at its global pooling: images to the last feature map.

    Parameters
    ----------
    network : torch.nn.Module
        A classifier with a pooling submodule named ``pool`` (every torchvision
        ResNet, ResNeXt, Wide ResNet, RegNet, VGG, AlexNet, EfficientNet,
        ConvNeXt, MobileNetV3, Inception v3, GoogLeNet and Swin model).
    pool : str, default="avgpool"
        Dotted name of that submodule; its input is returned.

    Notes
    -----
    A forward pre-hook on the pooling layer, registered for the duration of
    one call, stops the pass there, so the output equals the network's own
    intermediate tensor (``nn.Sequential(*list(resnet.children())[:-2])``
    for a ResNet) and the head costs nothing. Networks that pool with a
    function instead of a module (DenseNet, MobileNetV2, ShuffleNet,
    SqueezeNet, MNASNet) have no such layer; pass their ``features`` trunk
    instead.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from skzsl.nn.vision import FeatureMapNet
    >>> net = nn.Sequential()
    >>> net.add_module("conv", nn.Conv2d(3, 8, 3, stride=2))
    >>> net.add_module("avgpool", nn.AdaptiveAvgPool2d(1))
    >>> net.add_module("head", nn.Flatten())
    >>> FeatureMapNet(net)(torch.zeros(2, 3, 9, 9)).shape
    torch.Size([2, 8, 4, 4])
    """

    def __init__(self, network, pool="avgpool"):
        super().__init__()
        self.network = network
        self.pool = pool
        self.network.get_submodule(pool)  # fail here, not at the first batch

    def forward(self, images):
        handle = self.network.get_submodule(self.pool).register_forward_pre_hook(_stop)
        try:
            self.network(images)
        except _ReachedPool as reached:
            return reached.feature_map
        finally:
            handle.remove()
        raise RuntimeError(
            f"{type(self.network).__name__}.forward never called its {self.pool!r} layer; "
            "pass a module that returns the feature map itself.")

    @staticmethod
    def has_pool(network, pool="avgpool"):
        """Whether ``network`` has a submodule named ``pool``.

        Parameters
        ----------
        network : torch.nn.Module
        pool : str, default="avgpool"

        Returns
        -------
        found : bool
        """
        try:
            network.get_submodule(pool)
        except AttributeError:
            return False
        return True

