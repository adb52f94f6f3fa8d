"""Demo catalog: stationery."""

from shop.demo_data.specs import CategorySpec, ProductSpec

CATEGORIES = [
    CategorySpec(
        "stationery", "Stationery", "Notebooks, pens and desk things for writing by hand."
    ),
]

STATIONERY = [
    ProductSpec(
        "FH-ST-001",
        "Dot Grid Notebook A5",
        "18.00",
        140,
        {
            "size": "A5 (148 x 210 mm)",
            "pages": 192,
            "paper": "100 gsm, acid-free, ivory",
            "ruling": "5 mm dot grid",
            "binding": "lay-flat, sewn",
            "cover": "linen hardcover",
            "colour": "ink blue",
            "numbered_pages": True,
        },
        "Fountain pen friendly: the 100 gsm paper barely ghosts and does not bleed. It lies flat "
        "from the first page, and the numbered pages make an index easy.",
        seo_title="A5 Dot Grid Notebook, 100 gsm, Lay-Flat",
    ),
    ProductSpec(
        "FH-ST-002",
        "Dot Grid Notebook A5, Softcover",
        "14.00",
        0,
        {
            "size": "A5 (148 x 210 mm)",
            "pages": 128,
            "paper": "90 gsm, ivory",
            "ruling": "5 mm dot grid",
            "cover": "recycled card",
            "colour": "terracotta",
        },
    ),
    ProductSpec(
        "FH-ST-003",
        "Brass Ballpoint Pen",
        "36.00",
        31,
        {
            "material": "solid brass",
            "refill": "Parker-style G2, black 0.7 mm (included)",
            "weight": "32 g",
            "length": "13.5 cm",
            "warranty_years": 10,
        },
        "Heavy pen.",
    ),
    ProductSpec(
        "FH-ST-004",
        "Fountain Pen, Fine Nib",
        "48.00",
        13,
        {
            "nib": "steel, fine (F)",
            "filling": "cartridge or converter (both included)",
            "material": "acrylic resin",
            "colour": "smoke",
            "weight": "20 g",
        },
    ),
    ProductSpec(
        "FH-ST-005",
        "Bottled Ink 50 ml",
        "15.00",
        42,
        {"volume": "50 ml", "colour": "blue-black", "water_resistant": False},
    ),
    ProductSpec(
        "FH-ST-006",
        "Weekly Desk Planner",
        "22.00",
        58,
        {
            "size": "A4 landscape",
            "sheets": 54,
            "undated": True,
            "paper": "120 gsm",
            "binding": "glued pad with card back",
        },
        "Tear off a week at a time. Undated, so it starts whenever you do.",
    ),
    ProductSpec(
        "FH-ST-007",
        "Cork Desk Mat",
        "28.00",
        19,
        {
            "material": "natural cork, felt underside",
            "dimensions": "60 x 30 cm",
            "thickness": "3 mm",
        },
    ),
    ProductSpec(
        "FH-ST-008",
        "Pencil Set, Set of 6",
        "9.00",
        85,
        {"count": 6, "grades": ["2H", "HB", "B", "2B", "4B", "6B"], "wood": "cedar"},
    ),
    ProductSpec(
        "FH-ST-009",
        "Washi Tape, Set of 5",
        "11.00",
        66,
        {"count": 5, "width": "15 mm", "length": "10 m per roll", "material": "rice paper"},
        active=False,
    ),
]

PRODUCTS = {"stationery": STATIONERY}
