from lxml import etree


def parse_entities(data: bytes):
    # ruleid: python-lxml-xxe-resolve-entities
    parser = etree.XMLParser(resolve_entities=True)
    return etree.fromstring(data, parser)


def parse_default(data: bytes):
    # ruleid: python-lxml-xxe-resolve-entities
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.fromstring(data, parser)


def parse_network(data: bytes):
    # ruleid: python-lxml-xxe-resolve-entities
    parser = etree.XMLParser(resolve_entities=False, no_network=False)
    return etree.fromstring(data, parser)


def parse_safe(data: bytes):
    # ok: python-lxml-xxe-resolve-entities
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(data, parser)


def parse_configured(data: bytes, options: dict):
    # ok: python-lxml-xxe-resolve-entities
    parser = etree.XMLParser(**options)
    return etree.fromstring(data, parser)
