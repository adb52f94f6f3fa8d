"""Demo catalog: home fragrance and skincare."""

from shop.demo_data.specs import CategorySpec, ProductSpec

CATEGORIES = [
    CategorySpec(
        "home-fragrance",
        "Home fragrance",
        "Candles, diffusers and room sprays, poured in small batches.",
    ),
    CategorySpec(
        "skincare",
        "Skincare",
        "Simple, fragrance-light skincare for hands, face and body.",
    ),
]

HOME_FRAGRANCE = [
    ProductSpec(
        "FH-HF-001",
        "Cedar & Smoke Candle",
        "38.00",
        52,
        {
            "wax": "coconut and soy blend",
            "wick": "cotton",
            "weight": "220 g",
            "burn_time": "about 45 hours",
            "notes": ["cedarwood", "birch tar", "vetiver"],
            "vessel": "amber glass with wooden lid",
        },
        "Smells like a cabin after the fire has gone out: dry cedar, a little smoke, a green "
        "vetiver base. Trim the wick to 5 mm before each burn.",
    ),
    ProductSpec(
        "FH-HF-002",
        "Fig Leaf Candle",
        "38.00",
        37,
        {
            "wax": "coconut and soy blend",
            "weight": "220 g",
            "burn_time": "about 45 hours",
            "notes": ["fig leaf", "blackcurrant", "cream"],
            "vessel": "frosted glass",
        },
    ),
    ProductSpec(
        "FH-HF-003",
        "Sea Salt Reed Diffuser 200 ml",
        "44.00",
        29,
        {
            "volume": "200 ml",
            "reeds": 8,
            "lasts": "about 3 months",
            "notes": ["sea salt", "driftwood", "sage"],
            "alcohol_free": True,
        },
        "Great smell!!",
    ),
    ProductSpec(
        "FH-HF-004",
        "Linen Room Spray 100 ml",
        "22.00",
        60,
        {
            "volume": "100 ml",
            "notes": ["white tea", "cotton", "bergamot"],
            "base": "water and alcohol",
        },
    ),
    ProductSpec(
        "FH-HF-005",
        "Travel Tin Candle Trio",
        "30.00",
        0,
        {
            "count": 3,
            "weight": "3 x 90 g",
            "burn_time": "about 18 hours each",
            "scents": ["Cedar & Smoke", "Fig Leaf", "Orange Grove"],
        },
    ),
    ProductSpec(
        "FH-HF-006",
        "Ceramic Oil Burner",
        "26.00",
        15,
        {
            "material": "glazed ceramic",
            "dimensions": "9 x 12 cm",
            "colour": "moss",
            "uses": "tea lights (4 included)",
        },
    ),
    ProductSpec(
        "FH-HF-007",
        "Orange Grove Candle",
        "38.00",
        24,
        {
            "wax": "coconut and soy blend",
            "weight": "220 g",
            "burn_time": "about 45 hours",
            "notes": ["sweet orange", "neroli", "petitgrain"],
        },
        "Bright and sunny. Our best seller in winter.",
    ),
    ProductSpec(
        "FH-HF-008",
        "Incense Sticks, Hinoki",
        "12.00",
        70,
        {"count": 40, "burn_time": "about 25 minutes per stick", "length": "14 cm"},
        active=False,
    ),
]

SKINCARE = [
    ProductSpec(
        "FH-SK-001",
        "Oat Hand Cream 75 ml",
        "16.00",
        110,
        {
            "volume": "75 ml",
            "key_ingredients": ["colloidal oat", "shea butter", "glycerin"],
            "skin_type": "dry, cracked hands",
            "fragrance_free": True,
            "vegan": True,
            "tube": "recycled aluminium",
        },
        "A rich cream that sinks in in under a minute, so you can pick up your phone right "
        "after. Colloidal oat calms skin that has been washed twenty times a day.",
    ),
    ProductSpec(
        "FH-SK-002",
        "Daily Face Moisturiser SPF 30, 50 ml",
        "28.00",
        46,
        {
            "volume": "50 ml",
            "spf": 30,
            "uv_filters": "zinc oxide",
            "skin_type": "all",
            "fragrance_free": True,
            "finish": "matte",
        },
    ),
    ProductSpec(
        "FH-SK-003",
        "Cleansing Balm 100 ml",
        "26.00",
        38,
        {
            "volume": "100 ml",
            "key_ingredients": ["sunflower oil", "jojoba oil", "chamomile"],
            "removes_makeup": True,
            "comes_with": "muslin cloth",
        },
        "Melts off sunscreen and mascara.",
    ),
    ProductSpec(
        "FH-SK-004",
        "Lip Balm Trio",
        "12.00",
        0,
        {
            "count": 3,
            "weight": "3 x 4.5 g",
            "flavours": ["unscented", "peppermint", "grapefruit"],
            "key_ingredients": ["beeswax", "castor oil"],
        },
    ),
    ProductSpec(
        "FH-SK-005",
        "Body Wash, Rosemary & Mint 400 ml",
        "18.00",
        57,
        {
            "volume": "400 ml",
            "notes": ["rosemary", "spearmint"],
            "sulfate_free": True,
            "bottle": "100% recycled PET",
        },
    ),
    ProductSpec(
        "FH-SK-006",
        "Hyaluronic Serum 30 ml",
        "32.00",
        20,
        {
            "volume": "30 ml",
            "key_ingredients": ["hyaluronic acid 2%", "panthenol"],
            "skin_type": "dehydrated",
            "fragrance_free": True,
            "vegan": True,
        },
        "Serum. Apply morning and night.",
    ),
    ProductSpec(
        "FH-SK-007",
        "Konjac Sponge, Set of 2",
        "11.00",
        64,
        {"count": 2, "material": "konjac root fibre", "lasts": "about 3 months each"},
    ),
    ProductSpec(
        "FH-SK-008",
        "Overnight Foot Balm 100 ml",
        "19.00",
        27,
        {
            "volume": "100 ml",
            "key_ingredients": ["urea 10%", "shea butter", "peppermint oil"],
            "fragrance_free": False,
        },
        "Put it on, pull on socks, go to sleep. Rough heels are noticeably softer within a week.",
    ),
    ProductSpec(
        "FH-SK-009",
        "Bar Soap, Unscented",
        "8.00",
        0,
        {"weight": "120 g", "key_ingredients": ["olive oil", "coconut oil"], "palm_oil_free": True},
        active=False,
    ),
]

PRODUCTS = {
    "home-fragrance": HOME_FRAGRANCE,
    "skincare": SKINCARE,
}
