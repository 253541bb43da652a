"""Critics: the judges of images (a person, a CNN, a fixed classifier)."""
