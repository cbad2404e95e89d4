"""The batch-normalization lesson: the transform, train vs eval mode, initialization, learning rates."""
