"""One colour-blind-safe palette for every layer (Okabe & Ito 2008), and the marker shapes.

Categories differ by marker shape or line dash as well as colour, so a map stays readable
in greyscale and for colour-blind readers.
"""

from __future__ import annotations

from layers import symbols
from layers._spec import Marker

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#7F7F7F"
LIGHT_GREY = "#BDBDBD"
PAPER = "#F4F1EA"  # land of the context countries
SEA = "#DCE9F2"

# Who acted: the colour of an event.
ACTOR_COLORS = {
    "IRN": VERMILLION,
    "PAK": BLUE,
    "militant": BLACK,
    "joint": BLUISH_GREEN,
    "other": GREY,
}
ACTOR_LABELS = {
    "IRN": "Iran",
    "PAK": "Pakistan",
    "militant": "Armed group",
    "joint": "Iran and Pakistan jointly",
    "other": "Other or unknown",
}

# Fill patterns (matplotlib hatches, drawn in the outline's colour) for categories that share
# a shape with another and could be told apart by colour alone: the joint actor (beside
# "other" in grey) and the joint border market (a diamond, like an attack). Dense enough to
# show on a 2 mm marker, in colour and in greyscale.
ACTOR_HATCHES = {"joint": "/" * 10}
MARKET_HATCH = "-" * 10

# What happened: the shape of an event's marker.
KIND_MARKERS: dict[str, Marker] = {
    "strike": "triangle",
    "attack": "diamond",
    "bombing": "star",
    "clash": "cross",
    "shelling": "burst",  # many short points: fire that lands, against the bombing's five
    "shoot-down": "hexagon",
    "abduction": "pentagon",
    "release": "plus",
    "protest": "bar",  # a banner
    "crackdown": "bowtie",
    "closure": "square",  # stop
    "reopening": "triangle-right",  # go
    "border": "triangle-down",  # fencing, markets, the pipeline, trade steps
    "diplomatic": "circle",
}

# Shapes and dashes are drawn from one table, layers/symbols.py; matplotlib's markers are its
# vertices (a circle is matplotlib's own), in the order print stacks them.
MPL_MARKERS = {name: symbols.mpl_marker(name) for name in symbols.SHAPES}
