"""Shopper questions about the demo shop's help pages, each with the page(s) that answer it."""

RETURNS = "/pages/returns-policy/"
SHIPPING = "/pages/shipping-policy/"
WARRANTY = "/pages/warranty/"
PAYMENT = "/pages/payment-and-invoices/"
PRIVACY = "/pages/privacy/"
FAQ = "/pages/faq/"

QUESTIONS: list[tuple[str, set[str]]] = [
    ("Can I return opened items?", {RETURNS}),
    ("How many days do I have to send something back?", {RETURNS}),
    ("I lit the candle and don't like the smell, can I return it?", {RETURNS}),
    ("Do I have to pay for the return label?", {RETURNS}),
    ("How long until I get my refund after returning?", {RETURNS, FAQ}),
    ("Can I exchange a bag for a different colour?", {RETURNS}),
    ("My parcel arrived broken, what should I do?", {RETURNS}),
    ("You sent me the wrong item", {RETURNS}),
    ("Is the original shipping charge refunded?", {RETURNS}),
    ("Can gift cards be returned?", {RETURNS}),
    ("How much is standard shipping?", {SHIPPING}),
    ("Is shipping free over 50 dollars?", {SHIPPING}),
    ("When will my order be dispatched if I order in the afternoon?", {SHIPPING, FAQ}),
    ("Do you ship to Canada or the UK?", {SHIPPING, FAQ}),
    ("Who pays import duties on international orders?", {SHIPPING, FAQ}),
    ("What does the order status Paid mean?", {SHIPPING}),
    ("Can I cancel my order after it has shipped?", {SHIPPING}),
    ("My tracking number has not moved for a week", {SHIPPING}),
    ("What is next day delivery and how much does it cost?", {SHIPPING}),
    ("How long does express delivery take?", {SHIPPING}),
    ("My bottle no longer keeps drinks cold, is that covered?", {WARRANTY}),
    ("How long is the warranty on the cast iron skillet?", {WARRANTY, FAQ}),
    ("The zip on my backpack broke", {WARRANTY}),
    ("Does the warranty cover scratches?", {WARRANTY}),
    ("How do I make a warranty claim?", {WARRANTY}),
    ("Which payment methods do you accept?", {PAYMENT}),
    ("Can I pay with PayPal or Apple Pay?", {PAYMENT}),
    ("I need an invoice with my company VAT number", {PAYMENT}),
    ("Can I apply a discount code after ordering?", {PAYMENT}),
    ("Is sales tax included in the price?", {PAYMENT}),
    ("My payment was declined, what happens to the order?", {PAYMENT}),
    ("Do you store my card number?", {PAYMENT, PRIVACY}),
    ("How long do you keep my chat messages?", {PRIVACY}),
    ("How can I delete my personal data?", {PRIVACY}),
    ("Do you use advertising cookies?", {PRIVACY}),
    ("Can the chat see other customers' orders?", {PRIVACY}),
    ("Can my Summit bottle go in the dishwasher?", {FAQ}),
    ("How do I season the cast iron pan?", {FAQ}),
    ("How long does a candle burn?", {FAQ}),
    ("Is your skincare tested on animals?", {FAQ}),
    ("Will the notebook work with a fountain pen?", {FAQ}),
    ("Do you offer gift wrapping?", {FAQ}),
    ("Can I change my delivery address?", {FAQ, SHIPPING}),
    ("Where is my order?", {FAQ, SHIPPING}),
]
