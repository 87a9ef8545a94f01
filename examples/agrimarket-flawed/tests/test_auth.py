import unittest

from agrimarket.auth import hash_password, make_reset_token, verify_password


class PasswordTests(unittest.TestCase):
    def test_hash_round_trip(self):
        stored = hash_password("correct horse battery staple")
        self.assertTrue(verify_password("correct horse battery staple", stored))
        self.assertFalse(verify_password("wrong guess", stored))

    def test_reset_tokens_are_long_and_distinct(self):
        first, second = make_reset_token(), make_reset_token()
        self.assertGreaterEqual(len(first), 32)
        self.assertNotEqual(first, second)


if __name__ == "__main__":
    unittest.main()
