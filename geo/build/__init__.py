"""`make data`: rebuild data/*.geojson from their raw and curated sources, byte for byte."""
