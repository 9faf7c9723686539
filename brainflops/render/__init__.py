"""Layer 5: terminal (rich), JSON, Markdown and figures (matplotlib, imported lazily)."""
