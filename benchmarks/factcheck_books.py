"""Fact check recall and false findings: real book blurbs with planted errors, and a Chinese set.

For every book in ../shared/data/catalog_books the record holds the real title, category, ISBN,
price and stock, plus page count, year, format, weight and size drawn from a generator seeded by
the ISBN. A draft is the real blurb followed by a sentence that states some of those facts
correctly, in one of several wordings and units. A planted draft changes one fact in that
sentence; it counts as found when a finding overlaps the changed value. False findings are
counted on the untouched drafts (the record does not hold the blurb, so what the blurb says is
unsupported: warnings), on the same drafts when the record holds the blurb as its current
description (a rewrite), and on the raw blurbs against title, price, category and ISBN only.

    python benchmarks/factcheck_books.py [--data ../shared/data/catalog_books] [--show 5]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django_llmshop.content.factcheck import Facts, Finding, check_text  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "catalog_books"
KINDS = ("pages", "year", "price", "weight", "size", "format")
TEMPLATES = (
    "This {pages_adj} {format} was published in {year} and sells for {price}.",
    "First published in {year}, this {format} edition runs to {pages}, weighs {weight} and "
    "measures {size}.",
    "At {price} you get {pages} in a {format} that weighs {weight}.",
    "The {year} {format} edition has {pages}; it measures {size} and costs {price}.",
    "Details: {format}, {pages}, published {year}, {weight}, {size}, {price}.",
    "Published in {year}. {pages}. Weight: {weight}. Size: {size}. Price: {price}.",
    "A {weight} {format} of {pages}, priced at {price}.",
    "{title} ({year}) is a {pages_adj} {format}, {width} wide and {height} tall, at {price}.",
    "Copyright {year}. ISBN {isbn}. {pages}, {format}, {weight}.",
    "Weighing {weight}, this {format} stands {height} tall and sells for {price}.",
)
SLOT = re.compile(r"\{(\w+)\}")


@dataclass
class Book:
    title: str
    category: str
    isbn: str
    blurb: str
    price: float
    stock: int
    pages: int = 0
    year: int = 0
    format: str = ""
    weight: int = 0
    size: list[float] = field(default_factory=list)

    def facts(self, full: bool = True, texts: tuple[str, ...] = ()) -> Facts:
        attributes: dict[str, Any] = {"isbn": self.isbn, "stock": self.stock}
        if full:
            attributes["pages"] = self.pages
            attributes["publication_year"] = self.year
            attributes["format"] = self.format
            attributes["weight"] = f"{self.weight} g"
            attributes["dimensions"] = " x ".join(f"{v:.1f}" for v in self.size) + " cm"
        return Facts.from_product(
            name=self.title, category=self.category, price=self.price, currency="USD",
            attributes=attributes, texts=texts,
        )  # fmt: skip


@dataclass
class Score:
    """Planted errors found (any severity, and as errors) and findings on untouched texts."""

    planted: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    found_error: Counter[str] = field(default_factory=Counter)
    untouched: Counter[str] = field(default_factory=Counter)
    raw: Counter[str] = field(default_factory=Counter)
    rewrite: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count_untouched(self, findings: list[Finding], counts: Counter[str]) -> None:
        counts["texts"] += 1
        counts["texts with an error"] += any(f.severity == "error" for f in findings)
        for finding in findings:
            counts[finding.severity] += 1

    def count_planted(self, kind: str, findings: list[Finding], span: tuple[int, int]) -> bool:
        hits = [f for f in findings if f.start < span[1] and span[0] < f.end]
        self.planted[kind] += 1
        self.found[kind] += bool(hits)
        self.found_error[kind] += any(f.severity == "error" for f in hits)
        return bool(hits)


def load_books(folder: Path) -> list[Book]:
    books = []
    for path in sorted(folder.glob("books.*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                _, category, isbn, title, blurb, _, _, price, stock = row[:9]
                book = Book(title, category, isbn, blurb, float(price), int(stock or 0))
                rng = random.Random(isbn)
                book.pages = rng.randint(96, 960)
                book.year = rng.randint(1955, 2021)
                book.format = rng.choice(["paperback", "paperback", "hardcover"])
                width = rng.choice([10.8, 12.9, 13.3, 13.8, 15.2, 15.6, 17.8, 18.7])
                height = rng.choice([17.5, 19.8, 20.3, 21.6, 22.9, 23.5, 24.1, 25.4])
                cover = 0.4 if book.format == "hardcover" else 0.1
                thickness = round(book.pages * 0.0058 + cover, 1)
                book.size = [width, height, thickness]
                book.weight = round(width * height * thickness * 0.62)
                books.append(book)
    return books


def _price(value: float, style: int) -> str:
    forms = [f"${value:.2f}", f"{value:.2f} USD", f"US${value:.2f}", f"USD {value:.2f}",
             f"{value:.2f} dollars"]  # fmt: skip
    return forms[style % len(forms)]


def _weight(grams: float, style: int) -> str:
    forms = [f"{grams:.0f} g", f"{grams:.0f}g", f"{grams / 1000:.2f} kg",
             f"{grams / 28.3495:.1f} oz", f"{grams / 453.592:.2f} lb"]  # fmt: skip
    return forms[style % len(forms)]


_LENGTHS = [("cm", 1.0, 1), ("cm", 1.0, 1), ("mm", 10.0, 0), ("in", 1 / 2.54, 1),
            ("inches", 1 / 2.54, 1)]  # fmt: skip


def _length(cm: float, style: int) -> str:
    unit, scale, digits = _LENGTHS[style % len(_LENGTHS)]
    return f"{cm * scale:.{digits}f} {unit}"


def _size(values: list[float], style: int) -> tuple[str, list[tuple[int, int]]]:
    """The size in one of several forms, with the span of each measure."""
    unit, scale, digits = _LENGTHS[style % len(_LENGTHS)]
    join = " × " if style % len(_LENGTHS) == 1 else " x "
    text, spans = "", []
    for index, value in enumerate(values):
        text += join if index else ""
        part = f"{value * scale:.{digits}f}"
        spans.append((len(text), len(text) + len(part)))
        text += part
    return f"{text} {unit}", spans


def render(
    template: str, book: Book, styles: dict[str, int], wrong: dict[str, Any]
) -> tuple[str, dict[str, tuple[int, int]]]:
    """The sentence, and where each fact's (possibly wrong) value sits in it."""
    pages, year = wrong.get("pages", book.pages), wrong.get("year", book.year)
    price, weight = wrong.get("price", book.price), wrong.get("weight", book.weight)
    size, index = wrong.get("size", book.size), wrong.get("size_index", 0)
    out, spans, position = "", {}, 0
    for match in SLOT.finditer(template):
        out += template[position : match.start()]
        slot, kind = match.group(1), match.group(1)
        if slot == "size":
            text, parts = _size(size, styles["size"])
            spans[kind] = (len(out) + parts[index][0], len(out) + parts[index][1])
        else:
            if slot in {"width", "height"}:
                measure = 0 if slot == "width" else 1
                text, kind = _length(size[measure], styles["size"]), f"size{measure}"
            elif slot.startswith("pages"):
                text, kind = f"{pages}-page" if slot == "pages_adj" else f"{pages} pages", "pages"
            elif slot == "price":
                text = _price(price, styles["price"])
            elif slot == "weight":
                text = _weight(weight, styles["weight"])
            else:
                words = {"year": str(year), "title": book.title, "isbn": book.isbn}
                text = words.get(slot) or str(wrong.get("format", book.format))
            spans[kind] = (len(out), len(out) + len(text))
        out += text
        position = match.end()
    if "size_index" in wrong and "size" not in spans:
        spans["size"] = spans[f"size{index}"]
    return out + template[position:], spans


def plant(kind: str, template: str, book: Book, rng: random.Random) -> dict[str, Any]:
    """A wrong value for one fact, of the kind a careless writer produces."""
    far = rng.choice([rng.uniform(0.55, 0.88), rng.uniform(1.12, 1.9)])
    if kind == "pages":
        slip = book.pages + rng.choice([-1, 1]) * rng.randint(2, 40)
        return {"pages": max(48, round(book.pages * far) if rng.random() < 0.5 else slip)}
    if kind == "year":
        return {"year": min(2024, book.year + rng.choice([-1, 1]) * rng.randint(1, 25))}
    if kind == "price":
        step = book.price + rng.choice([-1, 1]) * rng.randint(1, 10)
        changed = rng.choice([step, round(book.price) - 0.51, book.price * far])
        return {"price": round(max(0.49, changed), 2)}
    if kind == "weight":
        return {"weight": round(book.weight * far)}
    if kind == "size":
        shown = [0, 1, 2] if "{size}" in template else [0] if "{width}" in template else []
        index = rng.choice(shown + ([1] if "{height}" in template else []))
        size = list(book.size)
        factor = rng.choice([rng.uniform(0.6, 0.85), rng.uniform(1.18, 1.6)])
        size[index] = round(size[index] * factor, 1)
        return {"size": size, "size_index": index}
    return {"format": {"paperback": "hardcover", "hardcover": "paperback"}[book.format]}


def _styles(rng: random.Random) -> dict[str, int]:
    return {name: rng.randrange(5) for name in ("price", "weight", "size")}


def _has(template: str, kind: str) -> bool:
    if kind == "size":
        return any(s in template for s in ("{size}", "{width}", "{height}"))
    return "{" + kind in template


def evaluate_books(folder: Path = DATA, show: int = 0) -> Score:
    """Planted-error recall and false findings on untouched drafts and on raw blurbs."""
    score = Score()
    started = time.perf_counter()
    for book in load_books(folder):
        facts, described = book.facts(), book.facts(texts=(book.blurb,))
        rng = random.Random("plant" + book.isbn)
        for template in TEMPLATES:
            sentence, _ = render(template, book, _styles(rng), {})
            findings = check_text(f"{book.blurb} {sentence}", facts)
            score.count_untouched(findings, score.untouched)
            score.count_untouched(check_text(f"{book.blurb} {sentence}", described), score.rewrite)
            for finding in findings:
                if finding.severity == "error" and len(score.examples) < show:
                    score.examples.append(f"  untouched: {finding.text!r}: {finding.message}")
        for kind in KINDS:
            template = rng.choice([t for t in TEMPLATES if _has(t, kind)])
            styles = _styles(rng)
            true_sentence, _ = render(template, book, styles, {})
            for _ in range(20):
                sentence, spans = render(template, book, styles, plant(kind, template, book, rng))
                if sentence != true_sentence:
                    break
            offset = len(book.blurb) + 1
            span = (spans[kind][0] + offset, spans[kind][1] + offset)
            findings = check_text(f"{book.blurb} {sentence}", facts)
            if not score.count_planted(kind, findings, span) and len(score.examples) < 2 * show:
                score.examples.append(f"  missed {kind}: {sentence!r}")
        score.count_untouched(check_text(book.blurb, book.facts(full=False)), score.raw)
    score.seconds = time.perf_counter() - started
    return score


# fmt: off
# Chinese set, written for this benchmark: name, price (CNY), attributes, a text that agrees with
# them, and (right, wrong) swaps that each plant one error.
ZH_PRODUCTS: list[tuple[str, str, dict[str, Any], str, list[tuple[str, str]]]] = [
    ("山行保温杯", "129.00",
     {"容量": "500毫升", "材质": "316不锈钢", "颜色": "午夜蓝", "重量": "280克",
      "保温时长": "12小时", "dishwasher_safe": False, "质保": "2年"},
     "山行保温杯采用316不锈钢内胆，容量500毫升，机身仅重280克，午夜蓝配色。"
     "保温12小时，质保两年，售价129元。请手洗，不可洗碗机清洗。",
     [("500毫升", "750毫升"), ("280克", "380克"), ("午夜蓝", "酒红色"), ("两年", "五年"),
      ("129元", "99元"), ("不可洗碗机清洗", "可洗碗机清洗")]),
    ("清泉玻璃水瓶", "59.00",
     {"capacity": "1 L", "material": "borosilicate glass", "colour": "transparent",
      "bpa_free": True},
     "清泉玻璃水瓶由高硼硅玻璃制成，容量1升，瓶身透明，不含BPA，售价59元。",
     [("1升", "1.5升"), ("高硼硅玻璃", "塑料"), ("59元", "69元")]),
    ("晨光陶瓷马克杯两只装", "88.00",
     {"capacity": "350 ml", "material": "ceramic", "colour": "white", "pieces": 2,
      "microwave_safe": True, "dishwasher_safe": True},
     "两只装陶瓷马克杯，每只容量350毫升，白色釉面，可微波炉加热，可洗碗机清洗。",
     [("350毫升", "450毫升"), ("白色", "黑色"), ("两只装", "四只装")]),
    ("竹韵砧板", "79.00",
     {"material": "bamboo", "dimensions": "40 x 28 x 2 cm", "weight": "1.2 kg"},
     "竹韵砧板选用天然竹子压制，尺寸40×28×2厘米，重1200克，双面可用。",
     [("40×28×2厘米", "45×28×2厘米"), ("1200克", "800克"), ("竹子", "橡木")]),
    ("铸铁炖锅 24cm", "399.00",
     {"材质": "铸铁", "涂层": "珐琅", "直径": "24厘米", "容量": "3.8升", "重量": "4.5公斤",
      "颜色": "红色", "oven_safe": True},
     "这款铸铁炖锅直径24厘米，容量3.8升，重4.5公斤，红色珐琅外壁，可进烤箱。",
     [("3.8升", "5升"), ("4.5公斤", "2.5公斤"), ("红色", "蓝色"), ("可进烤箱", "不可进烤箱")]),
    ("轻煎不粘锅", "159.00",
     {"diameter": "28 cm", "material": "aluminium", "non_stick": True, "weight": "950 g",
      "warranty": "1 year"},
     "轻煎不粘锅采用铝合金锅身，直径28厘米，重950克，不粘涂层，质保1年，售价159元。",
     [("28厘米", "32厘米"), ("950克", "1.5千克"), ("质保1年", "质保3年"), ("铝合金", "不锈钢")]),
    ("素白纯棉T恤", "99.00",
     {"material": "100% cotton", "colour": "white", "weight": "180 g"},
     "素白T恤由100%纯棉制成，白色，单件重180克，售价99元。",
     [("100%纯棉", "60%纯棉"), ("180克", "250克"), ("99元", "89元")]),
    ("暖冬羊毛围巾", "268.00",
     {"材质": "羊毛", "颜色": "藏青色", "尺寸": "180 x 30 cm", "产地": "意大利"},
     "暖冬围巾采用羊毛织造，藏青色，尺寸180×30厘米，意大利制造，售价268元。",
     [("羊毛", "羊绒"), ("藏青色", "米色"), ("意大利", "中国"), ("180×30厘米", "200×30厘米")]),
    ("简约真皮钱包", "329.00",
     {"material": "leather", "colour": "brown", "card_slots": "8 card slots", "handmade": True},
     "简约钱包以真皮制作，棕色，设有8个卡位，售价329元，手工缝制。",
     [("真皮", "人造革"), ("8个卡位", "12个卡位"), ("329元", "299元")]),
    ("城市通勤双肩包", "299.00",
     {"capacity": "20 L", "material": "nylon", "waterproof": True, "weight": "750 g",
      "laptop": "15.6 in"},
     "通勤双肩包容量20升，尼龙面料，防水，重750克，可放15.6英寸笔记本电脑。",
     [("20升", "30升"), ("750克", "1.2公斤"), ("15.6英寸", "17英寸")]),
    ("静听蓝牙耳机", "499.00",
     {"battery_life": "30 hours", "charge_time": "2 hours", "water_resistant": True,
      "colour": "black", "weight": "5.2 g"},
     "静听蓝牙耳机续航30小时，充电2小时即可充满，黑色，单耳重5.2克，生活防水。",
     [("续航30小时", "续航40小时"), ("5.2克", "8克"), ("生活防水", "防水")]),
    ("轻薄充电宝", "149.00",
     {"capacity": "10000 mAh", "output": "22.5 W", "weight": "210 g"},
     "轻薄充电宝容量1万毫安时，最大输出22.5瓦，重210克，售价149元。",
     [("1万毫安时", "2万毫安时"), ("22.5瓦", "65瓦"), ("210克", "310克")]),
    ("速沸电热水壶", "189.00",
     {"capacity": "1.7 L", "power": "1800 W", "material": "stainless steel",
      "warranty": "2 years", "voltage": "220 V"},
     "速沸电热水壶容量1.7升，功率1800瓦，220伏电压，内胆为不锈钢，质保2年。",
     [("1.7升", "2.5升"), ("1800瓦", "2200瓦"), ("质保2年", "终身保修"), ("不锈钢", "玻璃")]),
    ("护眼台灯", "239.00",
     {"power": "12 W", "colour": "white", "brightness_levels": "5 levels",
      "material": "aluminium"},
     "护眼台灯功率12瓦，5档亮度可调，铝制灯臂，白色，售价239元。",
     [("12瓦", "24瓦"), ("5档", "3档"), ("白色", "银色"), ("239元", "199元")]),
    ("天然橡胶瑜伽垫", "219.00",
     {"material": "natural rubber", "dimensions": "183 x 61 x 0.6 cm", "weight": "2.5 kg",
      "colour": "purple"},
     "瑜伽垫由天然橡胶制成，尺寸183×61×0.6厘米，重2.5公斤，紫色。",
     [("183×61×0.6厘米", "183×61×1厘米"), ("2.5公斤", "1.5公斤"), ("紫色", "绿色"),
      ("橡胶", "硅胶")]),
    ("硅胶保鲜盒四件套", "119.00",
     {"pieces": 4, "material": "silicone", "bpa_free": True, "microwave_safe": True,
      "freezer_safe": True},
     "保鲜盒4件套，食品级硅胶材质，不含BPA，可微波炉加热，也可冷冻。",
     [("4件套", "6件套"), ("硅胶", "塑料"), ("不含BPA", "含BPA")]),
    ("不锈钢餐具套装", "168.00",
     {"pieces": 24, "material": "18/10 stainless steel", "dishwasher_safe": True},
     "餐具套装共24件，采用18/10不锈钢，可洗碗机清洗，售价168元。",
     [("24件", "16件"), ("168元", "198元")]),
    ("长绒棉浴巾", "89.00",
     {"material": "cotton", "dimensions": "140 x 70 cm", "weight": "500 g", "colour": "grey"},
     "长绒棉浴巾，尺寸140×70厘米，重500克，灰色，纯棉吸水。",
     [("140×70厘米", "150×80厘米"), ("500克", "650克"), ("灰色", "粉色")]),
    ("亚麻四件套床品", "699.00",
     {"material": "linen", "pieces": 4, "colour": "beige", "size": "1.8 m bed"},
     "亚麻床品四件套，米色，适用1.8米床，售价699元。",
     [("四件套", "六件套"), ("米色", "白色"), ("1.8米", "1.5米"), ("亚麻", "涤纶")]),
    ("高山有机绿茶", "158.00",
     {"weight": "250 g", "organic": True, "harvest_year": 2023, "origin": "中国"},
     "高山有机绿茶，净含量250克，2023年采摘，产地：中国。",
     [("250克", "500克"), ("2023年", "2021年")]),
    ("深烘咖啡豆", "98.00",
     {"weight": "454 g", "roast": "dark", "arabica": "100%"},
     "深烘咖啡豆，100%阿拉比卡，每袋454克（约1磅），售价98元。",
     [("454克", "500克"), ("98元", "128元")]),
    ("编程之道（平装）", "79.00",
     {"pages": 352, "publication_year": 2019, "format": "paperback", "weight": "520 g"},
     "《编程之道》平装本，共352页，2019年出版，重520克，定价79元。",
     [("352页", "288页"), ("2019年出版", "2016年出版"), ("平装本", "精装本"), ("79元", "69元")]),
    ("晴雨两用折叠伞", "69.00",
     {"weight": "320 g", "waterproof": True, "ribs": "8 ribs", "colour": "navy"},
     "折叠伞重320克，8根伞骨，防水面料，藏蓝色，晴雨两用。",
     [("320克", "220克"), ("8根", "10根"), ("藏蓝色", "红色")]),
    ("轻跑运动鞋", "459.00",
     {"weight": "230 g", "upper": "polyester mesh", "colour": "black"},
     "轻跑运动鞋单只重230克，涤纶网面鞋面，黑色，售价459元。",
     [("230克", "180克"), ("涤纶", "真皮"), ("459元", "499元")]),
    ("潜行机械表", "1999.00",
     {"water_resistance": "100 m", "case_diameter": "42 mm", "material": "stainless steel",
      "warranty": "2 years"},
     "潜行机械表表径42毫米，不锈钢表壳，防水100米，全球联保2年。",
     [("42毫米", "40毫米"), ("100米", "200米"), ("联保2年", "联保5年")]),
    ("旅行者登机箱 20寸", "599.00",
     {"size": "20 in", "capacity": "38 L", "weight": "2.9 kg", "material": "polycarbonate",
      "wheels": "4 wheels"},
     "20寸登机箱，容量38升，重2.9公斤，聚碳酸酯箱体，4个万向轮。",
     [("38升", "45升"), ("2.9公斤", "3.9公斤"), ("4个", "8个"), ("聚碳酸酯", "铝合金")]),
    ("儿童吸管杯", "59.00",
     {"capacity": "300 ml", "material": "Tritan", "bpa_free": True, "leak_proof": True,
      "age": "18 months+"},
     "儿童吸管杯容量300毫升，Tritan材质，不含BPA，防漏设计，适合18个月以上宝宝。",
     [("300毫升", "400毫升"), ("18个月", "6个月")]),
    ("桌面收纳盒", "45.00",
     {"compartments": "3 compartments", "material": "bamboo", "dimensions": "25 x 15 x 10 cm"},
     "桌面收纳盒，竹制，3格分区，尺寸25×15×10厘米，售价45元。",
     [("3格", "5格"), ("25×15×10厘米", "30×15×10厘米"), ("竹制", "塑料")]),
    ("雪松香薰蜡烛", "128.00",
     {"weight": "200 g", "burn_time": "45 hours", "wax": "soy wax", "handmade": True},
     "雪松香薰蜡烛，净重200克，可燃烧45小时，大豆蜡手工制作。",
     [("200克", "300克"), ("45小时", "60小时")]),
    ("主厨刀 20cm", "359.00",
     {"blade_length": "20 cm", "material": "carbon steel", "weight": "210 g",
      "dishwasher_safe": False},
     "主厨刀刃长20厘米，碳钢刀身，重210克，建议手洗，请勿放入洗碗机。",
     [("刃长20厘米", "刃长25厘米"), ("210克", "160克"), ("碳钢", "陶瓷")]),
]
# fmt: on


def evaluate_chinese(show: int = 0) -> Score:
    """Recall and false findings on the Chinese set."""
    score = Score()
    started = time.perf_counter()
    for name, price, attributes, text, plants in ZH_PRODUCTS:
        facts = Facts.from_product(name=name, price=price, currency="CNY", attributes=attributes)
        findings = check_text(text, facts)
        score.count_untouched(findings, score.untouched)
        for finding in findings[:show]:
            score.examples.append(f"  untouched {finding.severity}: {finding.text!r}")
        for right, wrong in plants:
            start = text.index(right)
            draft = text[:start] + wrong + text[start + len(right) :]
            span = (start, start + len(wrong))
            if not score.count_planted("all", check_text(draft, facts), span):
                score.examples.append(f"  missed: {right} -> {wrong}")
    score.seconds = time.perf_counter() - started
    return score


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f} %" if whole else "-"


def _print(title: str, score: Score, kinds: tuple[str, ...]) -> None:
    print(f"{title} ({score.seconds:.1f} s)")
    print(f"  {'planted error':<14}{'planted':>8}{'found':>8}{'recall':>9}{'as error':>10}")
    for kind in (*kinds, "all") if len(kinds) > 1 else kinds:
        planted = score.planted.total() if kind == "all" else score.planted[kind]
        found = score.found.total() if kind == "all" else score.found[kind]
        error = score.found_error.total() if kind == "all" else score.found_error[kind]
        print(f"  {kind:<14}{planted:>8}{found:>8}{100 * found / planted:>8.1f}%"
              f"{100 * error / planted:>9.1f}%")  # fmt: skip
    texts = [("untouched drafts", score.untouched)]
    if score.raw:
        texts.append(("the same, with the blurb as the record's description", score.rewrite))
        texts.append(("raw blurbs, record = title/price/category/ISBN", score.raw))
    for label, counts in texts:
        n = counts["texts"]
        with_error = _rate(counts["texts with an error"], n)
        errors = f"{counts['error']} ({counts['error'] / n:.3f} per text)"
        warnings = f"{counts['warning']} ({counts['warning'] / n:.3f} per text)"
        print(f"  {label}: {n} texts; error findings {errors}, warnings {warnings}; "
              f"texts with an error: {with_error}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", type=int, default=0, help="print up to N examples")
    args = parser.parse_args()
    if args.data.is_dir():
        books = evaluate_books(args.data, args.show)
        _print(f"English: {books.untouched['texts'] // len(TEMPLATES)} real books", books, KINDS)
        print("\n".join(books.examples))
    else:
        print(f"{args.data} is absent: skipping the real books (../shared/data/catalog_books)")
    chinese = evaluate_chinese(args.show)
    _print(f"Chinese: {len(ZH_PRODUCTS)} products written for this set", chinese, ("all",))
    print("\n".join(chinese.examples))


if __name__ == "__main__":
    main()
