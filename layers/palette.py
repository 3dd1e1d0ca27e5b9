"""One colour-blind-safe palette for every layer (Okabe & Ito 2008), and the marker shapes.

Categories differ by marker shape or line dash as well as colour, so a map stays readable
in greyscale and for colour-blind readers.
"""

from __future__ import annotations

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
KIND_MARKERS = {
    "strike": "triangle",
    "attack": "diamond",
    "bombing": "star",
    "clash": "cross",
    "shoot-down": "hexagon",
    "abduction": "pentagon",
    "diplomatic": "circle",
    "border": "triangle-down",  # crossings and markets opened or closed, fencing, trade steps
}

# matplotlib marker codes for the shapes above (the web map draws the same shapes as SVG).
MPL_MARKERS = {
    "circle": "o",
    "triangle": "^",
    "square": "s",
    "diamond": "D",
    "star": "*",
    "cross": "X",
    "hexagon": "h",
    "pentagon": "p",
    "triangle-down": "v",
    "dot": ".",
}
MPL_DASHES = {"solid": "-", "dash": (0, (6, 3)), "dot": (0, (1.5, 2.5)), "dashdot": (0, (6, 2, 1.5, 2))}
SVG_DASHES = {"solid": None, "dash": "8 4", "dot": "2 5", "dashdot": "8 3 2 3"}

# Vega-Lite shapes for the same markers (the app's timeline chart).
VEGA_SHAPES = {
    "circle": "circle",
    "triangle": "triangle-up",
    "square": "square",
    "diamond": "diamond",
    "cross": "cross",
    "star": "M0,-1L0.24,-0.33L0.95,-0.31L0.38,0.12L0.59,0.81L0,0.4L-0.59,0.81L-0.38,0.12L-0.95,-0.31L-0.24,-0.33Z",
    "hexagon": "M0,-1L0.87,-0.5L0.87,0.5L0,1L-0.87,0.5L-0.87,-0.5Z",
    "pentagon": "M0,-1L0.95,-0.31L0.59,0.81L-0.59,0.81L-0.95,-0.31Z",
    "triangle-down": "triangle-down",
    "dot": "circle",
}
