"""productready: how far is a software product from ISO 27001, SOC 2 and OWASP ASVS certification."""

__version__ = "0.1.0"
