"""Units that trace lines print after their values or inside their keys.

One table: the spelling seen in real logs -> the canonical unit name.  The parser uses
it to recognise a trailing unit (``100 Angstroms``, ``0.1 m``, ``(m)``); the comparison
(issue 5's unit rules) uses the canonical names and their SI factors.
"""

from __future__ import annotations

# spelling -> canonical name
UNIT_SPELLINGS: dict[str, str] = {
    "m": "m", "meters": "m", "meter": "m", "metres": "m", "km": "km",
    "mm": "mm", "um": "um", "µm": "um", "microns": "um", "nm": "nm",
    "Å": "Å", "A": "Å", "Angstroms": "Å", "Angstrom": "Å", "angstroms": "Å",
    "1/m": "1/m", "m^-1": "1/m", "m⁻¹": "1/m", "1/meters": "1/m",
    "1/Å": "1/Å", "Å^-1": "1/Å", "Å⁻¹": "1/Å", "A^-1": "1/Å", "1/A": "1/Å",
    "m³": "m^3", "m^3": "m^3", "Å³": "Å^3", "Å^3": "Å^3", "A^3": "Å^3",
    "Å^-3": "1/Å^3", "Å⁻³": "1/Å^3", "1/Å^3": "1/Å^3", "m^-3": "1/m^3", "m⁻³": "1/m^3",
    "m^2": "m^2", "m²": "m^2",
    "rad": "rad", "radians": "rad", "deg": "deg", "degrees": "deg", "mrad": "mrad",
    "sr": "sr", "steradian": "sr",
    "eV": "eV", "keV": "keV", "s": "s",
    "photons/m^2": "photons/m^2", "photons/m2": "photons/m^2",
}

# canonical unit -> (dimension, factor to the SI unit of that dimension)
UNIT_FACTORS: dict[str, tuple[str, float]] = {
    "km": ("length", 1e3),
    "m": ("length", 1.0),
    "mm": ("length", 1e-3),
    "um": ("length", 1e-6),
    "nm": ("length", 1e-9),
    "Å": ("length", 1e-10),
    "1/m": ("inverse_length", 1.0),
    "1/Å": ("inverse_length", 1e10),
    "1/mm": ("inverse_length", 1e3),
    "m^3": ("volume", 1.0),
    "Å^3": ("volume", 1e-30),
    "1/m^3": ("inverse_volume", 1.0),
    "1/Å^3": ("inverse_volume", 1e30),
    "m^2": ("area", 1.0),
    "mm^2": ("area", 1e-6),
    "rad": ("angle", 1.0),
    "mrad": ("angle", 1e-3),
    "deg": ("angle", 0.017453292519943295),
    "sr": ("solid_angle", 1.0),
    "eV": ("energy", 1.0),
    "keV": ("energy", 1e3),
    "s": ("time", 1.0),
    "1": ("dimensionless", 1.0),
}


def canonical_unit(text: str) -> str | None:
    """The canonical name of a printed unit, or None when ``text`` is not a unit."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return UNIT_SPELLINGS.get(text)


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiply a value printed in ``from_unit`` by this to express it in ``to_unit``.

    Raises KeyError for an unknown unit and ValueError for units of different dimensions.
    """
    f_dim, f_factor = UNIT_FACTORS[canonical_unit(from_unit) or from_unit]
    t_dim, t_factor = UNIT_FACTORS[canonical_unit(to_unit) or to_unit]
    if f_dim != t_dim:
        raise ValueError(f"cannot convert {from_unit} ({f_dim}) to {to_unit} ({t_dim})")
    return f_factor / t_factor
