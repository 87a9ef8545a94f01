import xml.etree.ElementTree as ET
from xml.dom import minidom

import defusedxml.ElementTree as SafeET
from defusedxml import minidom as safe_minidom


def parse_body(body: bytes):
    # ruleid: python-xml-stdlib-untrusted-parse
    return ET.fromstring(body)


def parse_upload(upload):
    # ruleid: python-xml-stdlib-untrusted-parse
    return minidom.parseString(upload.read())


def parse_file(path: str):
    # ruleid: python-xml-stdlib-untrusted-parse
    return ET.parse(path).getroot()


def parse_body_safe(body: bytes):
    # ok: python-xml-stdlib-untrusted-parse
    return SafeET.fromstring(body)


def parse_upload_safe(upload):
    # ok: python-xml-stdlib-untrusted-parse
    return safe_minidom.parseString(upload.read())


def build_document() -> str:
    # ok: python-xml-stdlib-untrusted-parse
    root = ET.fromstring("<config><item/></config>")
    # ok: python-xml-stdlib-untrusted-parse
    return ET.tostring(root, encoding="unicode")
