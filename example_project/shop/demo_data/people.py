"""Demo accounts: the staff login and two shoppers whose orders cover every order status."""

from shop.demo_data.specs import OrderLine, OrderSpec, ShopperSpec

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin"
ADMIN_EMAIL = "admin@example.com"

SHOPPERS = [
    ShopperSpec(
        username="alice",
        password="alice",
        first_name="Alice",
        last_name="Moreau",
        email="alice@example.com",
        address="Alice Moreau\n14 Orchard Lane\nPortland, OR 97205\nUnited States",
        orders=(
            OrderSpec(
                "LS-100231",
                "delivered",
                days_ago=64,
                lines=(OrderLine("FH-DW-001"), OrderLine("FH-SK-001", 2, unit_price="14.00")),
                carrier="UPS",
                tracking_number="1Z4F83E20398127745",
                shipped_days_ago=62,
                delivered_days_ago=58,
            ),
            OrderSpec(
                "LS-100236",
                "returned",
                days_ago=40,
                lines=(OrderLine("FH-OD-002"),),
                carrier="USPS",
                tracking_number="9400111899223847561029",
                shipped_days_ago=39,
                delivered_days_ago=35,
            ),
            OrderSpec(
                "LS-100241",
                "shipped",
                days_ago=3,
                lines=(OrderLine("FH-BG-001"), OrderLine("FH-ST-001", 2)),
                carrier="UPS",
                tracking_number="1Z4F83E20399451208",
                shipped_days_ago=2,
            ),
            OrderSpec(
                "LS-100245",
                "pending",
                days_ago=0,
                lines=(OrderLine("FH-HF-001"), OrderLine("FH-HF-007")),
            ),
        ),
    ),
    ShopperSpec(
        username="bob",
        password="bob",
        first_name="Bob",
        last_name="Okafor",
        email="bob@example.com",
        address="Bob Okafor\n2210 Lakeview Drive, Apt 5\nMadison, WI 53703\nUnited States",
        orders=(
            OrderSpec(
                "LS-100233",
                "delivered",
                days_ago=90,
                lines=(
                    OrderLine("FH-KT-001"),
                    OrderLine("FH-KB-001"),
                    # Discontinued since; the order keeps showing it.
                    OrderLine("FH-DW-010", 2, unit_price="12.00"),
                ),
                carrier="DHL",
                tracking_number="4829103756",
                shipped_days_ago=88,
                delivered_days_ago=84,
            ),
            OrderSpec(
                "LS-100239",
                "cancelled",
                days_ago=20,
                lines=(OrderLine("FH-DW-005"),),
            ),
            OrderSpec(
                "LS-100243",
                "paid",
                days_ago=1,
                lines=(OrderLine("FH-OD-004", 2), OrderLine("FH-CK-001")),
            ),
            OrderSpec(
                "LS-100244",
                "shipped",
                days_ago=6,
                lines=(OrderLine("FH-DW-003"),),
                carrier="USPS",
                tracking_number="9400111899223850127784",
                shipped_days_ago=4,
            ),
        ),
    ),
]
