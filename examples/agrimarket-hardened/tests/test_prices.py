import unittest
from decimal import Decimal

from agrimarket.prices import order_total, price_per_tonne


class PriceTests(unittest.TestCase):
    def test_price_per_tonne(self):
        self.assertEqual(price_per_tonne(Decimal("1.235")), Decimal("1235.00"))

    def test_order_total_rounds_half_up(self):
        self.assertEqual(order_total(Decimal("12.5"), Decimal("0.99")), Decimal("12.38"))


if __name__ == "__main__":
    unittest.main()
