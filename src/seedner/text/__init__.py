"""Text: normalization with its offset map, sentence spans, span tidying and character
classes."""
