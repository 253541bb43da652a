"""Toolkits that artists, critics and programs share: the HERCL machine, the turtle, hand-made image features and
their cache, the cached digit classifier, the model cache, the breeding window's vocabulary, recorded choices and
the PPGN sampler."""
