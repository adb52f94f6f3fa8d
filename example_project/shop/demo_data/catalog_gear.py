"""Demo catalog: outdoor gear (with camp kitchen) and bags."""

from shop.demo_data.specs import CategorySpec, ProductSpec

CATEGORIES = [
    CategorySpec("outdoor", "Outdoor", "Light, repairable gear for day hikes and weekends away."),
    CategorySpec(
        "camp-kitchen", "Camp kitchen", "Stoves, pots and cutlery for cooking outside.", "outdoor"
    ),
    CategorySpec("bags", "Bags", "Backpacks, totes and pouches built for the daily commute."),
]

OUTDOOR = [
    ProductSpec(
        "FH-OD-001",
        "Ridge Daypack 22 L",
        "89.00",
        18,
        {
            "volume": "22 l",
            "material": "recycled 420D nylon, PU coated",
            "weight": "780 g",
            "colour": "rust",
            "back_length": "one size, 40-50 cm",
            "hydration_sleeve": True,
            "water_resistant": True,
            "warranty_years": 5,
        },
        "Built for a full day out: a padded, ventilated back panel, a hip belt that actually "
        "carries weight, and a sleeve for a 2 l water bladder. The coated fabric shrugs off "
        "showers; for real rain, use the rain cover.",
        seo_title="Ridge 22 L Hiking Daypack, Recycled Nylon",
    ),
    ProductSpec(
        "FH-OD-002",
        "Packable Rain Shell",
        "129.00",
        9,
        {
            "material": "2.5-layer recycled polyester",
            "waterproof_rating": "10,000 mm",
            "breathability": "10,000 g/m²/24h",
            "weight": "290 g",
            "sizes": ["XS", "S", "M", "L", "XL"],
            "colour": "glacier blue",
            "packs_into": "own chest pocket",
        },
    ),
    ProductSpec(
        "FH-OD-003",
        "Merino Beanie",
        "32.00",
        0,
        {"material": "100% merino wool, 18.5 micron", "size": "one size", "colour": "heather grey"},
        "Warm hat.",
    ),
    ProductSpec(
        "FH-OD-004",
        "LED Headlamp 350 lm",
        "39.00",
        40,
        {
            "brightness": "350 lumens",
            "beam_distance": "85 m",
            "battery": "1,200 mAh, USB-C rechargeable",
            "runtime": "4 hours high, 40 hours low",
            "weight": "68 g",
            "water_resistance": "IPX4",
            "red_light": True,
            "warranty_years": 3,
        },
        "Bright enough for night trail running, light enough to forget you're wearing it. "
        "Charges over USB-C in about three hours.",
    ),
    ProductSpec(
        "FH-OD-005",
        "Trekking Poles, Pair",
        "74.00",
        11,
        {
            "material": "7075 aluminium shafts, cork grips",
            "length": "105-135 cm, adjustable",
            "weight": "520 g per pair",
            "lock": "external lever",
            "count": 2,
        },
    ),
    ProductSpec(
        "FH-OD-006",
        "Insulated Sit Pad",
        "18.00",
        55,
        {
            "material": "closed-cell foam",
            "dimensions": "38 x 30 x 1.5 cm",
            "weight": "60 g",
            "colour": "orange",
        },
    ),
]

CAMP_KITCHEN = [
    ProductSpec(
        "FH-CK-001",
        "Compact Canister Stove",
        "49.00",
        23,
        {
            "fuel": "butane/propane screw-on canister (not included)",
            "output": "2.6 kW",
            "boil_time": "3.5 minutes for 1 l",
            "weight": "85 g",
            "ignition": "piezo",
            "warranty_years": 3,
        },
        "Boils a litre of water in about three and a half minutes. Folds to fit inside our 1 L "
        "pot with a 100 g canister.",
    ),
    ProductSpec(
        "FH-CK-002",
        "Titanium Pot 1 L",
        "45.00",
        16,
        {
            "capacity": "1 l",
            "material": "titanium",
            "weight": "135 g",
            "includes": "lid with strainer holes, mesh bag",
        },
    ),
    ProductSpec(
        "FH-CK-003",
        "Titanium Spork",
        "10.00",
        150,
        {"material": "titanium", "length": "17 cm", "weight": "18 g"},
    ),
    ProductSpec(
        "FH-CK-004",
        "Collapsible Water Carrier 8 L",
        "24.00",
        0,
        {
            "capacity": "8 l",
            "material": "BPA-free TPU",
            "weight": "210 g",
            "tap": "removable, with on/off valve",
        },
    ),
]

BAGS = [
    ProductSpec(
        "FH-BG-001",
        "Commuter Backpack 20 L",
        "119.00",
        27,
        {
            "volume": "20 l",
            "material": "waxed cotton canvas, leather trim",
            "laptop_sleeve": "fits up to 16 inch",
            "weight": "1.1 kg",
            "colour": "field tan",
            "dimensions": "45 x 30 x 15 cm",
            "warranty_years": 5,
        },
        "A clamshell opening like a suitcase, a padded laptop sleeve that keeps the laptop off "
        "the ground when you set the bag down, and waxed canvas that ages well. Re-wax once a "
        "year with our fabric wax.",
        seo_title="Waxed Canvas Commuter Backpack 20 L",
        seo_description="Waxed canvas backpack with a padded 16-inch laptop sleeve, clamshell "
        "opening and leather trim. 20 litres, 5-year warranty.",
    ),
    ProductSpec(
        "FH-BG-002",
        "Everyday Tote",
        "58.00",
        34,
        {
            "volume": "16 l",
            "material": "12 oz organic cotton canvas",
            "dimensions": "40 x 38 x 12 cm",
            "colour": "natural",
            "inner_pocket": "zipped",
            "closure": "magnetic snap",
        },
    ),
    ProductSpec(
        "FH-BG-003",
        "Crossbody Sling 3 L",
        "45.00",
        52,
        {
            "volume": "3 l",
            "material": "recycled ripstop nylon",
            "weight": "190 g",
            "colour": "black",
            "strap": "adjustable, 70-130 cm",
        },
        "Holds a phone, wallet, keys and a small water bottle.",
    ),
    ProductSpec(
        "FH-BG-004",
        "Rolltop Bike Pannier 25 L",
        "95.00",
        7,
        {
            "volume": "25 l",
            "material": "welded TPU-coated polyester",
            "waterproof": True,
            "weight": "980 g",
            "mount": "quick-release rack hooks, fits 8-16 mm rails",
            "reflective": True,
            "warranty_years": 5,
        },
    ),
    ProductSpec(
        "FH-BG-005",
        "Packing Cubes, Set of 3",
        "34.00",
        60,
        {
            "count": 3,
            "sizes": ["small 25 x 18 cm", "medium 33 x 25 cm", "large 40 x 30 cm"],
            "material": "ripstop nylon with mesh top",
            "colour": "slate",
        },
    ),
    ProductSpec(
        "FH-BG-006",
        "Leather Card Wallet",
        "42.00",
        0,
        {
            "material": "vegetable-tanned leather",
            "card_slots": 4,
            "dimensions": "10.5 x 7.5 cm",
            "colour": "chestnut",
        },
        "Slim wallet.",
    ),
    ProductSpec(
        "FH-BG-007",
        "Weekender Duffel 40 L",
        "149.00",
        5,
        {
            "volume": "40 l",
            "material": "waxed cotton canvas, leather handles",
            "weight": "1.6 kg",
            "dimensions": "55 x 30 x 28 cm",
            "shoe_compartment": True,
            "carry_on_friendly": True,
            "warranty_years": 5,
        },
    ),
    ProductSpec(
        "FH-BG-008",
        "Toiletry Pouch",
        "26.00",
        48,
        {
            "material": "water-resistant recycled nylon",
            "dimensions": "24 x 14 x 10 cm",
            "hanging_hook": True,
            "colour": "olive",
        },
    ),
    ProductSpec(
        "FH-BG-009",
        "Fabric Wax Bar 50 g",
        "12.00",
        95,
        {"weight": "50 g", "ingredients": ["beeswax", "paraffin-free plant wax"]},
        "Re-proofs waxed canvas. Warm the fabric with a hair dryer, rub the bar in, warm again.",
    ),
]

PRODUCTS = {
    "outdoor": OUTDOOR,
    "camp-kitchen": CAMP_KITCHEN,
    "bags": BAGS,
}
