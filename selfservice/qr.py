"""The QR code on the printed sheet, drawn here as SVG (the ``qrcode`` package): nothing is fetched from anywhere."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg


def qr_data_uri(text: str) -> str:
    """An SVG QR code of ``text`` as a data: URI (the Content-Security-Policy allows data: images)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
