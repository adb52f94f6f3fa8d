"""Chinese vocabularies, keyed like the English ones so that either language supports the other."""

from __future__ import annotations

# fmt: off
MATERIALS: dict[str, tuple[str, ...]] = {
    "stainless steel": ("不锈钢", "304不锈钢", "316不锈钢"), "steel": ("钢材", "钢制"),
    "carbon steel": ("碳钢",), "metal": ("金属",), "iron": ("铁制",), "cast iron": ("铸铁",),
    "aluminium": ("铝合金", "铝制", "铝"), "copper": ("纯铜", "铜制", "紫铜"), "brass": ("黄铜",),
    "bronze": ("青铜",), "titanium": ("钛合金", "纯钛", "钛"), "zinc alloy": ("锌合金",),
    "glass": ("玻璃",), "borosilicate glass": ("高硼硅玻璃",), "tempered glass": ("钢化玻璃",),
    "lead crystal": ("水晶玻璃",), "ceramic": ("陶瓷",), "porcelain": ("瓷器", "白瓷"),
    "bone china": ("骨瓷",), "stoneware": ("炻器",), "enamel": ("搪瓷", "珐琅"),
    "wood": ("实木", "木质", "木制", "原木"), "bamboo": ("竹制", "竹子", "竹"), "oak": ("橡木",),
    "walnut": ("胡桃木",), "beech": ("榉木",), "acacia": ("相思木",), "teak": ("柚木",),
    "pine": ("松木",), "marble": ("大理石",), "cotton": ("纯棉", "全棉", "棉质", "棉"),
    "organic cotton": ("有机棉",), "linen": ("亚麻",), "wool": ("羊毛",),
    "merino wool": ("美利奴羊毛",), "cashmere": ("羊绒",), "silk": ("真丝", "蚕丝", "桑蚕丝"),
    "polyester": ("涤纶", "聚酯纤维"), "nylon": ("尼龙", "锦纶"), "spandex": ("氨纶",),
    "leather": ("真皮", "皮革", "牛皮", "头层牛皮"), "faux leather": ("人造革", "PU皮", "仿皮"),
    "silicone": ("硅胶", "食品级硅胶"), "rubber": ("橡胶",), "plastic": ("塑料",),
    "tritan": ("Tritan",), "polypropylene": ("聚丙烯", "PP材质"), "acrylic": ("亚克力", "有机玻璃"),
    "polycarbonate": ("聚碳酸酯",), "carbon fibre": ("碳纤维",), "gold": ("黄金", "纯金"),
    "silver": ("纯银", "925银"),
}

COLOURS: dict[str, tuple[str, ...]] = {
    "black": ("黑色", "曜石黑", "哑光黑"), "white": ("白色", "纯白"), "grey": ("灰色",),
    "silver": ("银色",), "gold": ("金色", "香槟金"), "rose gold": ("玫瑰金",),
    "red": ("红色", "大红"), "orange": ("橙色", "橘色"), "yellow": ("黄色",), "green": ("绿色",),
    "blue": ("蓝色",), "purple": ("紫色",), "pink": ("粉色", "粉红色"),
    "brown": ("棕色", "咖啡色", "褐色"), "beige": ("米色", "米白色"),
    "navy": ("藏青色", "藏青", "海军蓝", "藏蓝色"), "midnight blue": ("午夜蓝",),
    "sky blue": ("天蓝色", "浅蓝色", "天蓝"), "dark blue": ("深蓝色", "深蓝"),
    "teal": ("青色", "蓝绿色"), "burgundy": ("酒红色", "勃艮第红"), "wine red": ("葡萄酒红",),
    "charcoal": ("炭灰色", "炭灰"), "light grey": ("浅灰色",), "dark grey": ("深灰色",),
    "ivory": ("象牙白",), "khaki": ("卡其色",), "olive green": ("橄榄绿",),
    "mint green": ("薄荷绿",), "forest green": ("森林绿",), "dark green": ("墨绿色", "深绿色"),
    "lavender": ("薰衣草紫",), "transparent": ("透明",), "multicolour": ("多色", "彩色"),
}

FORMATS: dict[str, tuple[str, ...]] = {
    "paperback": ("平装", "平装本"), "hardcover": ("精装", "精装本"), "ebook": ("电子书",),
    "audiobook": ("有声书",),
}

CLAIMS: dict[str, tuple[str, ...]] = {
    "dishwasher_safe": (
        "可洗碗机清洗", "可用洗碗机清洗", "可放入洗碗机", "可放洗碗机", "洗碗机可用", "支持洗碗机",
        "可机洗", "洗碗机适用",
    ),
    "microwave_safe": ("可微波炉加热", "可用于微波炉", "可进微波炉", "微波炉适用"),
    "oven_safe": ("可进烤箱", "可用于烤箱", "烤箱适用"), "freezer_safe": ("可冷冻",),
    "waterproof": ("防水",), "water_resistant": ("防泼水", "防溅水", "生活防水"),
    "leak_proof": ("防漏", "防漏水", "密封防漏", "不漏水"),
    "bpa_free": ("不含BPA", "无BPA", "不含双酚A", "无双酚A"), "organic": ("有机",),
    "vegan": ("纯素", "素食"), "handmade": ("手工制作", "纯手工", "手工"),
    "lifetime_warranty": ("终身保修", "终身质保", "终生保修", "终身保固"),
    "free_shipping": ("包邮", "免运费", "免费配送", "免邮"),
    "best_selling": ("畅销", "销量第一", "爆款", "热销"),
    "award_winning": ("获奖", "屡获殊荣", "荣获大奖"), "certified": ("认证", "FDA认证", "CE认证"),
    "eco_friendly": ("环保",), "recyclable": ("可回收", "可降解", "可堆肥"), "non_toxic": ("无毒",),
    "hypoallergenic": ("低致敏", "防过敏"), "non_stick": ("不粘", "不沾"),
    "insulated": ("真空保温", "双层真空", "双层隔热", "保温"), "shatterproof": ("防摔", "不易碎"),
    "rust_proof": ("防锈", "不生锈"), "gluten_free": ("无麸质",), "patented": ("专利",),
    "limited_edition": ("限量版", "限定款"),
}

# Spellings that deny a claim outright: "含BPA" (contains BPA).
NEGATIVE_CLAIMS: dict[str, str] = {"含BPA": "bpa_free", "含双酚A": "bpa_free"}

# Measure words: "4件套", "6只装", "两个盖子". Value -> the noun it counts in messages.
CLASSIFIERS: dict[str, str] = {
    "件套": "piece", "件": "piece", "只装": "pack", "个装": "pack", "瓶装": "pack", "支装": "pack",
    "片装": "pack", "包装": "pack", "盒装": "pack", "入": "pack", "只": "item", "个": "item",
    "支": "item", "片": "sheet", "块": "piece", "双": "pair", "对": "pair", "包": "bag",
    "盒": "box", "瓶": "bottle", "杯": "cup", "套": "set", "张": "sheet", "本": "book",
    "条": "item", "根": "item", "颗": "item", "粒": "item", "层": "layer", "档": "setting",
    "种": "kind", "款": "kind", "色": "colour", "枚": "item", "把": "item", "台": "item",
    "组": "set", "卷": "roll", "袋": "bag", "罐": "jar", "格": "compartment",
}

NEGATIONS = (
    "不可", "不能", "不宜", "请勿", "切勿", "禁止", "并非", "不是", "不", "非", "无", "未", "勿",
)

COMPARATORS = {
    "超过": ">", "多于": ">", "至少": ">", "不少于": ">", "高于": ">", "大于": ">", "低于": "<",
    "少于": "<", "小于": "<", "不超过": "<", "最多": "<", "高达": "<", "长达": "<",
}

COMPARATOR_SUFFIXES = {"以上": ">", "以下": "<", "以内": "<"}

APPROXIMATE = ("约", "大约", "大概", "将近", "近", "接近")

APPROXIMATE_SUFFIXES = ("左右", "上下")

# Phrases in which a listed word is not a claim about the product.
IDIOMS = (
    "有机会", "有机化学", "有机物", "保温杯", "保温壶", "保温瓶", "保温时间", "保温效果", "环保袋",
    "黑色幽默", "白色家电", "红色经典", "绿色通道", "灰色地带", "透明度", "手工艺", "认证码",
    "专利号",
)

COUNTRIES: dict[str, str] = {
    "中国": "china", "日本": "japan", "德国": "germany", "意大利": "italy", "美国": "united states",
    "英国": "united kingdom", "法国": "france", "韩国": "south korea", "越南": "vietnam",
    "台湾": "taiwan", "葡萄牙": "portugal", "西班牙": "spain", "印度": "india", "泰国": "thailand",
    "瑞士": "switzerland", "丹麦": "denmark", "瑞典": "sweden", "土耳其": "turkey",
    "墨西哥": "mexico", "加拿大": "canada", "澳大利亚": "australia", "新西兰": "new zealand",
}

# fmt: on
