"""Plain PyTorch modules and loss functions, free of scikit-learn.

Estimators build these modules and orchestrate their training; the maths lives
here. Submodules by method family (``skzsl.nn.attention``,
``skzsl.nn.generative``), each with its loss functions named after the paper's
terms.
"""
