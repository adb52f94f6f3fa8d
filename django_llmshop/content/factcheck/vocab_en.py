"""English vocabularies: materials, colours, formats, claims, count nouns and idioms."""

from __future__ import annotations

# fmt: off
# Canonical key -> further English spellings (the key itself is always a spelling).
MATERIALS: dict[str, tuple[str, ...]] = {
    "stainless steel": ("18/8 stainless steel", "18/10 stainless steel", "inox"), "steel": (),
    "carbon steel": (), "metal": (), "iron": (), "cast iron": ("cast-iron",),
    "aluminium": ("aluminum", "anodised aluminium", "anodized aluminum"), "copper": (), "brass": (),
    "bronze": (), "titanium": (), "zinc alloy": (), "chrome-plated steel": ("chrome plated steel",),
    "glass": (), "borosilicate glass": (), "tempered glass": (), "lead crystal": (),
    "ceramic": ("ceramics",), "porcelain": (), "bone china": (), "stoneware": (), "earthenware": (),
    "terracotta": (), "enamel": ("enamelled", "enameled"),
    "wood": ("wooden", "solid wood", "hardwood"), "bamboo": (), "oak": (), "walnut": (),
    "beech": (), "maple": (), "acacia": (), "teak": (), "pine": (), "birch": (), "mango wood": (),
    "cherry wood": (), "cork": (), "rattan": (), "marble": (), "granite": (), "cotton": (),
    "organic cotton": (), "linen": (), "wool": ("woollen", "woolen"), "merino wool": ("merino",),
    "cashmere": (), "silk": (), "polyester": (), "nylon": (), "spandex": ("elastane", "lycra"),
    "viscose": ("rayon",), "denim": (), "cotton canvas": ("canvas fabric",), "fleece": (),
    "velvet": (), "wool felt": (), "jute": (), "hemp": (),
    "leather": ("genuine leather", "full-grain leather", "top-grain leather"),
    "faux leather": ("vegan leather", "pu leather", "synthetic leather", "leatherette"),
    "suede": (), "silicone": ("food-grade silicone",), "rubber": ("natural rubber",),
    "plastic": ("plastics",), "tritan": (), "polypropylene": (), "abs plastic": (),
    "acrylic": ("perspex", "plexiglass"), "polycarbonate": (), "carbon fibre": ("carbon fiber",),
    "neoprene": (), "cardboard": (), "gold": ("solid gold",), "silver": ("sterling silver",),
}

MATERIAL_PARENTS: dict[str, str] = {
    "stainless steel": "steel", "carbon steel": "steel", "steel": "metal", "cast iron": "iron",
    "iron": "metal", "aluminium": "metal", "copper": "metal", "brass": "metal", "bronze": "metal",
    "titanium": "metal", "zinc alloy": "metal", "chrome-plated steel": "steel",
    "borosilicate glass": "glass", "tempered glass": "glass", "lead crystal": "glass",
    "porcelain": "ceramic", "bone china": "ceramic", "stoneware": "ceramic",
    "earthenware": "ceramic", "terracotta": "ceramic", "oak": "wood", "walnut": "wood",
    "beech": "wood", "maple": "wood", "acacia": "wood", "teak": "wood", "pine": "wood",
    "birch": "wood", "mango wood": "wood", "cherry wood": "wood", "organic cotton": "cotton",
    "merino wool": "wool", "tritan": "plastic", "polypropylene": "plastic",
    "abs plastic": "plastic", "polycarbonate": "plastic", "acrylic": "plastic", "gold": "metal",
    "silver": "metal",
}

# Keys that name a colour as much as a material ("a gold finish"): either list supports them.
COLOUR_OR_MATERIAL = {"brass", "bronze", "copper", "gold", "rose gold", "silver"}

COLOURS: dict[str, tuple[str, ...]] = {
    "black": ("jet black", "matte black", "matt black"), "white": ("pure white",),
    "grey": ("gray",), "silver": (), "gold": (), "rose gold": (), "red": (), "orange": (),
    "yellow": (), "green": (), "blue": (), "purple": (), "pink": (), "brown": (), "beige": (),
    "navy": ("navy blue",), "midnight blue": (), "sky blue": ("light blue",), "royal blue": (),
    "dark blue": (), "teal": (), "turquoise": (), "aqua": (), "burgundy": (), "maroon": (),
    "crimson": (), "scarlet": (), "wine red": (), "charcoal": ("charcoal grey", "charcoal gray"),
    "graphite grey": ("graphite gray",), "slate grey": ("slate gray",),
    "light grey": ("light gray",), "dark grey": ("dark gray",), "ivory": (), "cream white": (),
    "off-white": (), "khaki": (), "taupe": (), "olive green": (), "sage green": (),
    "mint green": (), "forest green": (), "dark green": (), "lime green": (), "lavender": (),
    "lilac": (), "violet": (), "coral pink": (), "blush pink": (), "hot pink": (),
    "mustard yellow": (), "transparent": ("see-through",),
    "multicolour": ("multicolor", "multi-coloured", "multi-colored"),
}

COLOUR_FAMILIES: dict[str, str] = {
    "navy": "blue", "midnight blue": "blue", "sky blue": "blue", "royal blue": "blue",
    "dark blue": "blue", "teal": "blue", "turquoise": "blue", "aqua": "blue", "burgundy": "red",
    "maroon": "red", "crimson": "red", "scarlet": "red", "wine red": "red", "charcoal": "grey",
    "graphite grey": "grey", "slate grey": "grey", "light grey": "grey", "dark grey": "grey",
    "ivory": "white", "cream white": "white", "off-white": "white", "khaki": "beige",
    "taupe": "brown", "olive green": "green", "sage green": "green", "mint green": "green",
    "forest green": "green", "dark green": "green", "lime green": "green", "lavender": "purple",
    "lilac": "purple", "violet": "purple", "coral pink": "pink", "blush pink": "pink",
    "hot pink": "pink", "mustard yellow": "yellow", "rose gold": "gold",
}

FORMATS: dict[str, tuple[str, ...]] = {
    "paperback": ("softcover", "soft cover", "mass market paperback", "trade paperback"),
    "hardcover": ("hardback", "hard cover", "hardbound", "clothbound"),
    "ebook": ("e-book", "kindle edition", "digital edition"),
    "audiobook": ("audio book", "audio cd"),
}

# Claims that need the record's support; the first spelling is the label used in messages.
CLAIMS: dict[str, tuple[str, ...]] = {
    "dishwasher_safe": (
        "dishwasher-safe", "dishwasher safe", "dishwasher-friendly", "dishwasher friendly",
        "dishwasher-proof", "top-rack safe",
    ),
    "microwave_safe": ("microwave-safe", "microwave safe"),
    "oven_safe": ("oven-safe", "oven safe", "ovenproof", "oven-proof"),
    "freezer_safe": ("freezer-safe", "freezer safe"), "waterproof": ("waterproof", "water-proof"),
    "water_resistant": ("water-resistant", "water resistant", "splash-proof", "splashproof"),
    "leak_proof": ("leak-proof", "leakproof", "leak proof", "spill-proof", "spillproof"),
    "bpa_free": ("BPA-free", "BPA free", "free of BPA", "free from BPA"),
    "organic": ("organic", "certified organic"), "vegan": ("vegan", "plant-based"),
    "handmade": ("handmade", "hand-made", "handcrafted", "hand-crafted", "made by hand"),
    "lifetime_warranty": ("lifetime warranty", "lifetime guarantee", "guaranteed for life"),
    "free_shipping": ("free shipping", "free delivery", "ships free", "free postage"),
    "best_selling": (
        "best-selling", "bestselling", "best seller", "bestseller", "best-seller", "number one",
        "#1",
    ),
    "award_winning": ("award-winning", "award winning", "prize-winning"),
    "certified": ("certified", "FDA-approved", "FDA approved"),
    "eco_friendly": ("eco-friendly", "eco friendly", "environmentally friendly", "sustainable"),
    "recyclable": ("recyclable", "biodegradable", "compostable"),
    "non_toxic": ("non-toxic", "nontoxic"), "hypoallergenic": ("hypoallergenic",),
    "non_stick": ("non-stick", "nonstick"),
    "insulated": (
        "vacuum-insulated", "vacuum insulated", "double-walled", "double-wall", "insulated",
    ),
    "shatterproof": ("shatterproof", "shatter-proof", "unbreakable"),
    "rust_proof": ("rust-proof", "rustproof", "rust-resistant"),
    "gluten_free": ("gluten-free", "gluten free"), "cruelty_free": ("cruelty-free", "cruelty free"),
    "fair_trade": ("fair trade", "fairtrade", "fair-trade"),
    "clinically_proven": ("clinically proven", "clinically tested", "dermatologist tested"),
    "patented": ("patented", "patent-pending"),
    "limited_edition": ("limited edition", "limited-edition"),
}

# Spellings that deny a claim outright: "contains BPA".
NEGATIVE_CLAIMS: dict[str, str] = {"contains BPA": "bpa_free", "not BPA-free": "bpa_free"}

# A record fact that a claim overstates: "waterproof" when the record says water-resistant.
OVERSTATES = {"waterproof": "water_resistant"}

COUNT_NOUNS = {
    "accessory", "adapter", "attachment", "bag", "bar", "battery", "blade", "bottle", "bowl", "box",
    "brush", "bulb", "burner", "cable", "candle", "capsule", "card", "cartridge", "charger",
    "coaster", "color", "colour", "compartment", "container", "cup", "disc", "drawer", "drink",
    "filter", "fork", "glass", "glove", "hanger", "head", "hook", "item", "jar", "knife", "layer",
    "lens", "level", "lid", "mode", "mug", "napkin", "nozzle", "pair", "pan", "pc", "pen", "pencil",
    "piece", "plate", "pocket", "pod", "port", "pot", "pouch", "rack", "refill", "roll", "serving",
    "setting", "sheet", "shelf", "size", "slot", "sock", "speed", "spoon", "stick", "straw",
    "tablet", "towel", "tray", "wheel",
}

SET_WORDS = {"bag", "box", "bundle", "carton", "case", "kit", "pack", "pair", "set"}

NEGATIONS = {
    "aren't", "can't", "cannot", "doesn't", "don't", "isn't", "neither", "never", "no", "non",
    "nor", "not", "wasn't", "without",
}

# Words after which a number is a label, a version or a reference, not a claim.
NUMBER_LABELS = {
    "amendment", "android", "ansi", "article", "chapter", "chapters", "din", "episode", "fig",
    "figure", "gen", "generation", "html", "ieee", "ios", "ipad", "iphone", "iso", "issue", "java",
    "jsr", "level", "model", "no", "number", "os", "page", "part", "php", "ps", "python", "rfc",
    "room", "route", "sdk", "season", "section", "series", "step", "table", "type", "v", "ver",
    "version", "vol", "volume", "volumes", "windows", "xbox",
}

COMPARATORS = {
    "over": ">", "more than": ">", "above": ">", "at least": ">", "upwards of": ">",
    "in excess of": ">", "exceeding": ">", "minimum": ">", "min.": ">", "from": ">", "under": "<",
    "less than": "<", "below": "<", "up to": "<", "at most": "<", "no more than": "<",
    "maximum": "<", "max.": "<", "within": "<", "only": "",
}

APPROXIMATE = {
    "about", "almost", "approx", "approx.", "approximately", "around", "ca.", "circa", "close to",
    "just over", "just under", "nearly", "roughly", "some", "~",
}

# Phrases where a colour or material word says nothing about the product.
IDIOMS = (
    "black hat", "white hat", "grey hat", "gray hat", "black box", "white box", "white paper",
    "red herring", "golden age", "silver bullet", "silver lining", "red tape", "green light",
    "white noise", "black market", "blue chip", "blue-collar", "white-collar", "black belt",
    "black and white", "black & white", "gold standard", "gold medal", "silver medal",
    "bronze medal", "iron curtain", "iron fist", "iron man", "glass ceiling", "red wine",
    "white wine", "black coffee", "green tea", "black tea", "orange juice", "red carpet",
    "white house", "brown sugar", "yellow pages", "grey matter", "gray matter", "green energy",
    "red flag", "white lie", "blue moon", "green thumb", "silver screen", "red hot",
    "organic chemistry", "organic growth", "pine for", "silk road", "steel yourself",
    "number one priority", "certified public", "rubber stamp", "cast iron guarantee",
    "cast-iron guarantee", "glass half", "black hole", "black holes", "black magic", "black humor",
    "black humour", "black death", "white knight", "red giant", "grey area", "gray area",
    "black sheep", "white elephant", "green with envy", "out of the blue", "true blue",
    "paper tiger", "blue sky thinking", "yellow fever", "orange county",
)

INCH_FOLLOWERS = {
    "across", "deep", "diameter", "display", "high", "laptop", "long", "monitor", "screen",
    "square", "tall", "thick", "tv", "wide", "x",
}
# Words at which the search for what a number counts stops: "3 of the cups".
COUNT_STOPS = {"of", "the", "and", "or", "to", "in", "for", "with", "per", "a", "an", "from", "by",
               "on", "at", "is", "are", "was", "were", "that", "which", "than", "as", "more",
               "less"}
# Words ending in "s" after a year that are not plural nouns: "in 1992 was", "1984 has".
NOT_PLURAL = {
    "across", "always", "as", "does", "goes", "has", "his", "is", "its", "perhaps", "plus", "this",
    "thus", "towards", "unless", "us", "was", "whereas",
}
# fmt: on
