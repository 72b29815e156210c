"""Discord's rules for message components, classic and Components V2, as the fake enforces them.

Discord documents them in its components reference
(https://discord.com/developers/docs/components/reference) and answers a message that breaks
them with ``400 50035 Invalid Form Body`` naming the field.  The OpenAPI description checks each
component's shape; these are the rules it cannot express:

* the ``IS_COMPONENTS_V2`` flag (``1 << 15``) is required for the layout types (section 9, text
  display 10, thumbnail 11, media gallery 12, file 13, separator 14, container 17), forbids
  ``content``, ``embeds``, ``sticker_ids`` and ``poll``, and cannot be removed by an edit;
* without it, a message holds at most 5 action rows and nothing else at the top;
* nesting: a thumbnail only as a section's accessory; a section holds 1-3 text displays and a
  thumbnail or button accessory; a container holds rows, sections, text displays, galleries,
  files and separators (no container); an action row holds 1-5 buttons or exactly one select;
* limits: 40 components in all (nested ones included), 4000 characters of text displays in all,
  1-10 items per media gallery, ``custom_id`` at most 100 characters and unique, ``id`` unique;
* media: an ``attachment://name`` reference must name a file uploaded with the message, any other
  URL must be ``http(s)``; a file component takes ``attachment://`` only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

Json = dict[str, Any]

FLAG_IS_COMPONENTS_V2 = 1 << 15

ACTION_ROW = 1
BUTTON = 2
STRING_SELECT = 3
TEXT_INPUT = 4
USER_SELECT = 5
ROLE_SELECT = 6
MENTIONABLE_SELECT = 7
CHANNEL_SELECT = 8
SECTION = 9
TEXT_DISPLAY = 10
THUMBNAIL = 11
MEDIA_GALLERY = 12
FILE = 13
SEPARATOR = 14
CONTAINER = 17

SELECTS = frozenset({STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT})
LAYOUT_TYPES = frozenset(
    {SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER}
)
V2_TOP_LEVEL = frozenset(
    {ACTION_ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER}
)
CONTAINER_CHILDREN = frozenset({ACTION_ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY, FILE, SEPARATOR})
SECTION_ACCESSORIES = frozenset({THUMBNAIL, BUTTON})
LEGACY_FIELDS = ("content", "embeds", "sticker_ids", "poll")

MAX_COMPONENTS = 40
MAX_TEXT = 4000
MAX_LEGACY_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_GALLERY_ITEMS = 10
MAX_SECTION_TEXTS = 3
MAX_CUSTOM_ID = 100
MAX_MEDIA_DESCRIPTION = 1024
LINK_BUTTON_STYLE = 5
PREMIUM_BUTTON_STYLE = 6


class ComponentError(Exception):
    """One broken rule: the field's path (``components.0.components.2``), a code, a message."""

    def __init__(self, path: str, code: str, message: str) -> None:
        super().__init__(f"{path}: {code} {message}")
        self.path = path
        self.code = code
        self.message = message

    @classmethod
    def too_long(cls, path: str, limit: int) -> ComponentError:
        """More than ``limit`` items (or characters) at ``path``."""
        return cls(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    @classmethod
    def not_between(cls, path: str, low: int, high: int) -> ComponentError:
        """Fewer than ``low`` or more than ``high`` items at ``path``."""
        return cls(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    @classmethod
    def required(cls, path: str) -> ComponentError:
        """Nothing at ``path``, which must be given."""
        return cls(path, "BASE_TYPE_REQUIRED", "This field is required")


def is_v2(flags: int) -> bool:
    """Whether a message's flags mark it as a Components V2 message."""
    return bool(flags & FLAG_IS_COMPONENTS_V2)


def check_message(payload: Mapping[str, Any], *, flags: int, filenames: Iterable[str]) -> None:
    """Raise `ComponentError` for the first rule ``payload``'s components break."""
    components = list(payload.get("components") or [])
    if is_v2(flags):
        for name in LEGACY_FIELDS:
            if payload.get(name):
                raise ComponentError(
                    name,
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    f"The '{name}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                )
    _Checker(v2=is_v2(flags), filenames=set(filenames)).top(components)


def walk(components: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Every component, nested ones included, in reading order (a section's accessory last)."""
    for component in components:
        yield component
        yield from walk(component.get("components") or [])
        if isinstance(component.get("accessory"), Mapping):
            yield from walk([component["accessory"]])


def texts(message: Mapping[str, Any]) -> list[str]:
    """A message's text as a member reads it: its content, then every text display."""
    found = [str(message["content"])] if message.get("content") else []
    found += [
        str(c.get("content") or "")
        for c in walk(message.get("components") or [])
        if c.get("type") == TEXT_DISPLAY
    ]
    return found


def shown_text(message: Mapping[str, Any]) -> str:
    """All of a message's text (content, text displays, embed titles and footers) as one string."""
    parts = texts(message)
    for embed in message.get("embeds") or []:
        parts += [str(embed.get("title") or ""), str((embed.get("footer") or {}).get("text") or "")]
    return "\n".join(parts)


def is_layout(message: Mapping[str, Any]) -> bool:
    """Whether a stored message is a Components V2 message."""
    return is_v2(int(message.get("flags") or 0))


def custom_ids(message: Mapping[str, Any]) -> list[str]:
    """Every custom id of a message's components, in reading order."""
    return [str(c["custom_id"]) for c in walk(message.get("components") or []) if "custom_id" in c]


def media_items(message: Mapping[str, Any]) -> list[Json]:
    """Every media item a message's gallery items and thumbnails show."""
    items: list[Json] = []
    for component in walk(message.get("components") or []):
        if component.get("type") == MEDIA_GALLERY:
            items += [item["media"] for item in component.get("items") or []]
        elif component.get("type") == THUMBNAIL:
            items.append(component["media"])
    return items


def media_urls(message: Mapping[str, Any]) -> list[str]:
    """Every media URL a message's gallery items and thumbnails show."""
    return [str(media["url"]) for media in media_items(message)]


def resolve_media(
    components: Sequence[Json],
    attachments: Sequence[Mapping[str, Any]],
    new_id: Callable[[], int],
) -> None:
    """Unfurl every media item as Discord answers it: an ``attachment://name`` becomes the
    uploaded file's CDN link with its ``attachment_id``; a link stays, with a proxy link."""
    by_name = {str(a["filename"]): a for a in attachments}
    holders: list[Json] = []
    for component in walk(components):
        if component.get("type") == MEDIA_GALLERY:
            holders += component.get("items") or []
        elif component.get("type") in (THUMBNAIL, FILE):
            holders.append(component)
    for holder in holders:
        media = holder.get("media") if "media" in holder else holder.get("file")
        url = str((media or {}).get("url") or "")
        if media is None or "proxy_url" in media:
            continue  # unfurled already (an edit that kept its layout)
        media["id"] = str(new_id())
        attachment = by_name.get(url.removeprefix("attachment://"))
        if url.startswith("attachment://") and attachment is not None:
            media.update(
                url=attachment["url"],
                proxy_url=attachment["proxy_url"],
                content_type=attachment.get("content_type"),
                attachment_id=attachment["id"],
            )
        else:
            media.update(proxy_url=url, content_type=None)


def assign_ids(components: Sequence[Json]) -> None:
    """Number the components without an ``id`` the way Discord does (sequentially, unused)."""
    taken = {int(c["id"]) for c in walk(components) if c.get("id") is not None}
    next_id = 1
    for component in walk(components):
        if component.get("id") is None:
            while next_id in taken:
                next_id += 1
            component["id"] = next_id  # type: ignore[index]
            taken.add(next_id)


class _Checker:
    def __init__(self, *, v2: bool, filenames: set[str]) -> None:
        self.v2 = v2
        self.filenames = filenames
        self.count = 0
        self.text = 0
        self.ids: set[int] = set()
        self.custom_ids: set[str] = set()

    def top(self, components: Sequence[Mapping[str, Any]]) -> None:
        allowed = V2_TOP_LEVEL if self.v2 else frozenset({ACTION_ROW})
        if not self.v2 and len(components) > MAX_LEGACY_ROWS:
            raise ComponentError.too_long("components", MAX_LEGACY_ROWS)
        for index, component in enumerate(components):
            self.one(component, f"components.{index}", allowed)
        if self.count > MAX_COMPONENTS:
            raise ComponentError(
                "components",
                "COMPONENT_LAYOUT_TOO_MANY_COMPONENTS",
                f"Must be {MAX_COMPONENTS} or fewer components in total.",
            )
        if self.text > MAX_TEXT:
            raise ComponentError(
                "components",
                "COMPONENT_LAYOUT_TOO_MUCH_TEXT",
                f"The total length of text displays must be {MAX_TEXT} or fewer characters.",
            )

    def one(self, component: Mapping[str, Any], path: str, allowed: frozenset[int]) -> None:
        kind = component.get("type")
        if kind not in allowed:
            if kind in LAYOUT_TYPES and not self.v2:
                message = "Components of this type require MessageFlags.IS_COMPONENTS_V2."
            else:
                message = f'Value of field "type" must be one of {tuple(sorted(allowed))}.'
            raise ComponentError(f"{path}.type", "UNION_TYPE_CHOICES", message)
        self.count += 1
        self._identity(component, path)
        check = {
            ACTION_ROW: self._row,
            BUTTON: self._button,
            SECTION: self._section,
            TEXT_DISPLAY: self._text,
            THUMBNAIL: self._thumbnail,
            MEDIA_GALLERY: self._gallery,
            FILE: self._file,
            CONTAINER: self._container,
        }.get(int(kind))
        if check is not None:
            check(component, path)

    def _identity(self, component: Mapping[str, Any], path: str) -> None:
        if component.get("id") is not None:
            number = int(component["id"])
            if number in self.ids:
                raise ComponentError(
                    f"{path}.id", "COMPONENT_DUPLICATE_ID", "Duplicate component id."
                )
            self.ids.add(number)
        custom_id = component.get("custom_id")
        if custom_id is not None:
            if len(str(custom_id)) > MAX_CUSTOM_ID:
                raise ComponentError.too_long(f"{path}.custom_id", MAX_CUSTOM_ID)
            if custom_id in self.custom_ids:
                raise ComponentError(
                    f"{path}.custom_id",
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            self.custom_ids.add(str(custom_id))

    def _row(self, row: Mapping[str, Any], path: str) -> None:
        children = list(row.get("components") or [])
        kinds = {child.get("type") for child in children}
        if not children:
            raise ComponentError(
                f"{path}.components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."
            )
        if kinds & SELECTS and len(children) != 1:
            raise ComponentError(
                f"{path}.components",
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "A select menu must be alone in its action row.",
            )
        if len(children) > MAX_ROW_BUTTONS:
            raise ComponentError.too_long(f"{path}.components", MAX_ROW_BUTTONS)
        for index, child in enumerate(children):
            self.one(child, f"{path}.components.{index}", frozenset({BUTTON}) | SELECTS)

    @staticmethod
    def _button(button: Mapping[str, Any], path: str) -> None:
        style = int(button.get("style") or 0)
        if style == LINK_BUTTON_STYLE:
            if not button.get("url") or button.get("custom_id") is not None:
                raise ComponentError(
                    f"{path}.url", "BUTTON_COMPONENT_URL_REQUIRED", "A link button needs a url."
                )
        elif style != PREMIUM_BUTTON_STYLE and not button.get("custom_id"):
            raise ComponentError(
                f"{path}.custom_id",
                "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED",
                "A non-link button must have a custom_id set",
            )

    def _section(self, section: Mapping[str, Any], path: str) -> None:
        children = list(section.get("components") or [])
        if not 1 <= len(children) <= MAX_SECTION_TEXTS:
            raise ComponentError.not_between(f"{path}.components", 1, MAX_SECTION_TEXTS)
        for index, child in enumerate(children):
            self.one(child, f"{path}.components.{index}", frozenset({TEXT_DISPLAY}))
        accessory = section.get("accessory")
        if not isinstance(accessory, Mapping):
            raise ComponentError.required(f"{path}.accessory")
        self.one(accessory, f"{path}.accessory", SECTION_ACCESSORIES)

    def _text(self, text: Mapping[str, Any], path: str) -> None:
        content = str(text.get("content") or "")
        if not content:
            raise ComponentError.required(f"{path}.content")
        self.text += len(content)

    def _thumbnail(self, thumbnail: Mapping[str, Any], path: str) -> None:
        self._media(thumbnail, path)

    def _gallery(self, gallery: Mapping[str, Any], path: str) -> None:
        items = list(gallery.get("items") or [])
        if not 1 <= len(items) <= MAX_GALLERY_ITEMS:
            raise ComponentError.not_between(f"{path}.items", 1, MAX_GALLERY_ITEMS)
        for index, item in enumerate(items):
            self._media(item, f"{path}.items.{index}")

    def _file(self, file: Mapping[str, Any], path: str) -> None:
        url = str((file.get("file") or {}).get("url") or "")
        if not url.startswith("attachment://"):
            raise ComponentError(
                f"{path}.file.url",
                "COMPONENT_FILE_ATTACHMENT_REQUIRED",
                "A file component only takes an attachment:// reference.",
            )
        self._attachment(url, f"{path}.file.url")

    def _media(self, holder: Mapping[str, Any], path: str) -> None:
        url = str((holder.get("media") or {}).get("url") or "")
        if len(str(holder.get("description") or "")) > MAX_MEDIA_DESCRIPTION:
            raise ComponentError.too_long(f"{path}.description", MAX_MEDIA_DESCRIPTION)
        if url.startswith("attachment://"):
            self._attachment(url, f"{path}.media.url")
        elif not url.startswith(("https://", "http://")):
            raise ComponentError(
                f"{path}.media.url", "URL_TYPE_INVALID_URL", "Not a well formed URL."
            )

    def _attachment(self, url: str, path: str) -> None:
        if url.removeprefix("attachment://") not in self.filenames:
            raise ComponentError(
                path,
                "UNFURLED_MEDIA_ITEM_ATTACHMENT_NOT_FOUND",
                "The attachment referenced does not exist in the message.",
            )

    def _container(self, container: Mapping[str, Any], path: str) -> None:
        for index, child in enumerate(container.get("components") or []):
            self.one(child, f"{path}.components.{index}", CONTAINER_CHILDREN)
