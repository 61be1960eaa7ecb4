"""The per-pixel chain (spec section 5): set-up, sub-pixel geometry, scattering, accumulation, the chain."""
