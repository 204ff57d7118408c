"""The rules after the model: one ordered list of named steps
(:mod:`seedner.rules.postprocess`), and long documents done a window at a time."""
