"""Coordinates for the topology picture, computed from the ``Topology`` (never placed by hand).

Each VPC panel is a grid: AZs are columns, tiers are rows. A resource covering several AZs is one
box from its first to its last column, with a dot per column (filled where it runs). Inside a row,
boxes are packed into lanes greedily (first lane where their columns are free), in category order,
so that rows grow only as much as their contents need. Regional and global services flow in a band
under the panels of their Region. Edges are cubic curves between the nearest sides of two boxes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .topology import CATEGORY_ORDER, Node, Placement, RegionGroup, Topology, VpcPanel

GUTTER = 96
"""Width of the row labels left of a panel."""
COLUMN = 200
LANE = 56
BOX_HEIGHT = 44
BOX_INSET = 8
PAD = 14
PANEL_HEADER = 50
REGION_HEADER = 30
ROW_GAP = 6
BAND_COLUMNS_MIN = 3
EM_RATIO = 0.62
"""Approximate width of a (bold) character per pixel of font size, to shorten long labels."""

_SYMBOLIC_ZONE = re.compile(r"^\{region\}#az(\d+)$")
"""An IaC zone chosen by position (``!Select [N, !GetAZs '']``), as ``scanner.iac.zones`` writes it."""

TIER_LABELS = {"vpc": "VPC-wide", "public": "public", "private": "private", "isolated": "isolated",
               "unknown": "routing unknown"}


@dataclass(frozen=True)
class Box:
    """A drawn resource; ``zone_dots`` are ``(x, runs_there)`` for each column the box covers."""

    node: Node
    x: float
    y: float
    w: float
    h: float
    label: str
    zone_dots: tuple[tuple[float, bool], ...] = ()

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass(frozen=True)
class Frame:
    """A region, VPC panel or band outline with its title."""

    kind: str
    title: str
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Text:
    """A column header (``zone`` set) or a row label."""

    text: str
    x: float
    y: float
    zone: str | None = None


@dataclass(frozen=True)
class Stripe:
    """The background of one tier row of a panel."""

    tier: str
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Path:
    """An edge: SVG path data and the relation kind."""

    d: str
    kind: str
    src: str
    dst: str


@dataclass
class Diagram:
    """The picture: sizes, outlines, labels, boxes and edge paths."""

    width: float
    height: float
    frames: list[Frame] = field(default_factory=list)
    stripes: list[Stripe] = field(default_factory=list)
    headers: list[Text] = field(default_factory=list)
    row_labels: list[Text] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)


def shorten(text: str, width: float, font_size: float = 12) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels at ``font_size``."""
    fits = max(int(width / (font_size * EM_RATIO)), 4)
    return text if len(text) <= fits else text[: fits - 1] + "…"


def zone_label(zone: str | None) -> str:
    """A column header: the zone, ``AZ 2 of the Region`` for a symbolic IaC zone, or ``AZ not known``."""
    if not zone:
        return "AZ not known"
    match = _SYMBOLIC_ZONE.match(zone)
    return f"AZ {match.group(1)} of the Region" if match else zone


def _sort_key(placement: Placement) -> tuple[int, int, int, str]:
    first = min(placement.columns)
    span = max(placement.columns) - first
    return (CATEGORY_ORDER.index(placement.node.category), -span, first, placement.node.name)


def pack_lanes(placements: list[Placement]) -> list[tuple[Placement, int]]:
    """``(placement, lane)``: each placement in the first lane where its column range is free."""
    lanes: list[set[int]] = []
    packed = []
    for placement in sorted(placements, key=_sort_key):
        span = set(range(min(placement.columns), max(placement.columns) + 1))
        lane = next((i for i, used in enumerate(lanes) if not used & span), len(lanes))
        if lane == len(lanes):
            lanes.append(set())
        lanes[lane] |= span
        packed.append((placement, lane))
    return packed


def _panel(diagram: Diagram, panel: VpcPanel, x0: float, y0: float) -> float:
    """Lay out one VPC panel at (x0, y0); return its height."""
    width = GUTTER + COLUMN * len(panel.zones)
    for index, zone in enumerate(panel.zones):
        diagram.headers.append(Text(zone_label(zone), x0 + GUTTER + COLUMN * (index + 0.5), y0 + 40,
                                    zone=zone or ""))
    y = y0 + PANEL_HEADER
    for tier in panel.tiers:
        packed = pack_lanes([p for p in panel.placements if p.tier == tier])
        lanes = max((lane for _, lane in packed), default=0) + 1
        height = lanes * LANE
        diagram.stripes.append(Stripe(tier, x0 + GUTTER, y, COLUMN * len(panel.zones), height))
        diagram.row_labels.append(Text(TIER_LABELS.get(tier, tier), x0 + 10, y + height / 2 + 4))
        for placement, lane in packed:
            first, last = min(placement.columns), max(placement.columns)
            bx = x0 + GUTTER + COLUMN * first + BOX_INSET
            bw = COLUMN * (last - first + 1) - 2 * BOX_INSET
            by = y + lane * LANE + (LANE - BOX_HEIGHT) / 2
            dots = ()
            if last > first and placement.node.zones:
                dots = tuple((x0 + GUTTER + COLUMN * (c + 0.5), c in placement.columns)
                             for c in range(first, last + 1))
            diagram.boxes.append(Box(placement.node, bx, by, bw, BOX_HEIGHT, shorten(placement.node.name, bw - 16),
                                     dots))
        y += height + ROW_GAP
    height = y - y0 + PAD - ROW_GAP
    diagram.frames.append(Frame("vpc", f"VPC {panel.name}", x0, y0, width + PAD, height))
    return height


def _band(diagram: Diagram, nodes: list[Node], x0: float, y0: float, columns: int) -> float:
    """Lay out the regional/global services as a flowing grid; return its height."""
    top = y0 + 24
    for index, node in enumerate(nodes):
        row, col = divmod(index, columns)
        bx = x0 + GUTTER + COLUMN * col + BOX_INSET
        by = top + row * LANE + (LANE - BOX_HEIGHT) / 2
        bw = COLUMN - 2 * BOX_INSET
        diagram.boxes.append(Box(node, bx, by, bw, BOX_HEIGHT, shorten(node.name, bw - 16)))
    rows = -(-len(nodes) // columns)
    height = 24 + rows * LANE + PAD
    diagram.frames.append(Frame("band", "regional and global services", x0, y0, GUTTER + COLUMN * columns + PAD,
                                height))
    return height


def _group(diagram: Diagram, group: RegionGroup, y0: float, columns: int) -> float:
    x = PAD * 2
    y = y0 + REGION_HEADER
    for panel in group.panels:
        y += _panel(diagram, panel, x, y) + PAD
    if group.band:
        y += _band(diagram, group.band, x, y, columns) + PAD
    height = y - y0
    diagram.frames.append(Frame("region", group.label, PAD, y0, GUTTER + COLUMN * columns + PAD * 3, height))
    return height


def _anchor(box: Box, toward_x: float, toward_y: float) -> tuple[float, float, str]:
    """The point on ``box``'s nearest side facing (toward_x, toward_y), and which side."""
    x = min(max(toward_x, box.x + 12), box.x + box.w - 12)
    if toward_y > box.y + box.h:
        return x, box.y + box.h, "bottom"
    if toward_y < box.y:
        return x, box.y, "top"
    return (box.x + box.w, box.cy, "right") if toward_x > box.cx else (box.x, box.cy, "left")


def edge_path(src: Box, dst: Box) -> str:
    """A cubic curve from ``src`` to ``dst`` leaving and entering through the facing sides."""
    x1, y1, side1 = _anchor(src, dst.cx, dst.cy)
    x2, y2, side2 = _anchor(dst, x1, y1)
    bend = max(abs(y2 - y1), abs(x2 - x1), 40) / 2.5
    offsets = {"bottom": (0, bend), "top": (0, -bend), "right": (bend, 0), "left": (-bend, 0)}
    c1 = (x1 + offsets[side1][0], y1 + offsets[side1][1])
    c2 = (x2 + offsets[side2][0], y2 + offsets[side2][1])
    return f"M{x1:.1f},{y1:.1f} C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {x2:.1f},{y2:.1f}"


def layout(topology: Topology) -> Diagram:
    """Coordinates for every frame, label, box and edge of ``topology``."""
    columns = max([BAND_COLUMNS_MIN, *(len(p.zones) for g in topology.groups for p in g.panels)])
    diagram = Diagram(width=GUTTER + COLUMN * columns + PAD * 5, height=0)
    y = PAD
    for group in topology.groups:
        y += _group(diagram, group, y, columns) + PAD
    diagram.height = y
    boxes = {box.node.uid: box for box in diagram.boxes}
    diagram.paths = [Path(edge_path(boxes[e.src], boxes[e.dst]), e.kind, e.src, e.dst)
                     for e in topology.edges if e.src in boxes and e.dst in boxes]
    return diagram


__all__ = ["Box", "Diagram", "Frame", "Path", "Text", "edge_path", "layout", "pack_lanes", "shorten"]
