"""What a linked file really is, by its first bytes, where its server's type says otherwise.

A server often types a file by its name: an iPhone's HEIC renamed `.jpg` goes out as
`image/jpeg`, a hot-link guard's or a login page's HTML as the `image/png` that was asked for.
The video service fetches the link itself and can only fail such a job, minutes later. Only
what matters is looked for: markup (a page, or an SVG) under any media type, and, under an
image type, the picture formats the service cannot use. Anything else keeps its server's type
(a PNG sent as WebP is a picture the service takes either way).
"""

from __future__ import annotations

# Enough of the body to find an SVG's `<svg` past an XML declaration and a comment.
HEAD_BYTES = 512

_BLANKS = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"
# ISO base media brands (the `ftyp` box's major brand) of still pictures, not of clips.
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})


def _is_markup(head: bytes) -> bool:
    return head.removeprefix(_BOM).lstrip(_BLANKS).startswith(b"<")


def _picture_format(head: bytes) -> str | None:
    """The type of a picture format the service cannot use, if `head` starts one."""
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _AVIF_BRANDS:
            return "image/avif"
        if brand in _HEIF_BRANDS:
            return "image/heic"
    return None


def judged_type(declared: str, head: bytes) -> str:
    """The type to judge a linked file by: `declared` (its server's), unless its first bytes
    (`head`) show a page, an SVG, or a picture format the service cannot use."""
    if not head:
        return declared
    if _is_markup(head):
        svg = declared.startswith("image/") and b"<svg" in head.lower()
        return "image/svg+xml" if svg else "text/html"
    if declared.startswith("image/"):
        return _picture_format(head) or declared
    return declared
