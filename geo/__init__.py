"""Border Atlas data: load, validate and measure the layers of the Iran-Pakistan border region."""

from geo._schema import LAYER_NAMES, SCHEMAS, layer_names
from geo.errors import (
    BorderAtlasError,
    LayerFileError,
    LayerValidationError,
    UnknownLayerError,
)
from geo.io import load_layer, read_layer_file
from geo.measure import (
    border_sides,
    distance_to_border_km,
    line_length_km,
    polygon_area_km2,
    side_of_border,
)

__all__ = [
    "LAYER_NAMES",
    "SCHEMAS",
    "BorderAtlasError",
    "LayerFileError",
    "LayerValidationError",
    "UnknownLayerError",
    "border_sides",
    "distance_to_border_km",
    "line_length_km",
    "layer_names",
    "load_layer",
    "polygon_area_km2",
    "read_layer_file",
    "side_of_border",
]
