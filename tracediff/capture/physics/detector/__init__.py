"""The detector set-up: the convention table and the geometry stages (spec section 3)."""
