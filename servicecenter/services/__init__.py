"""The only write path. Services change models, append history, flush, and never commit."""
