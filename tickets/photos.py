"""Ticket photos: checked by their content, re-encoded, stored under generated names.

- Type: JPEG, PNG or WebP as Pillow reads the bytes; the file name and the browser's type are
  ignored, so HTML renamed .jpg or an SVG with a script is refused.
- Limits: PHOTO_MAX_BYTES (10 MB) a file, PHOTO_MAX_PIXELS (40 megapixels; a pixel-flood image
  is refused from its header before it is decoded), PHOTOS_MAX (6) per upload (an intake, a
  resolution).
- Re-encoding: the EXIF orientation is applied to the pixels, then the picture is written anew
  in its own format with no metadata, which drops EXIF (GPS position, camera serial), XMP and
  comments.
- Storage: `MEDIA_ROOT/tickets/<community id>/<random hex>.<ext>`; the files are served only by
  the ticket's photo page (tickets.views.TicketPhotoView) to those who may see the ticket,
  never from /media/.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from . import services
from .models import Ticket, TicketEvent, TicketPhoto

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTOS_MAX = 6
# Pillow format -> (content type, file extension, save options)
FORMATS = {
    "JPEG": ("image/jpeg", "jpg", {"quality": 85}),
    "PNG": ("image/png", "png", {}),
    "WEBP": ("image/webp", "webp", {"quality": 85}),
}
ACCEPT = ",".join(content_type for content_type, _ext, _opts in FORMATS.values())


@dataclass(frozen=True)
class CleanPhoto:
    """A photo ready to store: re-encoded `content` (bytes), its type and size in pixels."""

    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def photo_clean(upload) -> CleanPhoto:
    """Check one uploaded file (a Django UploadedFile) and re-encode it (module docstring).

    Raises ValidationError, translated and naming the file, when it is larger than 10 MB, is no
    JPEG, PNG or WebP picture, cannot be decoded, or has more than 40 megapixels.
    """
    name = {"name": upload.name}
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("“%(name)s” is larger than 10 MB."), params=name, code="size")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that: make it an error too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=list(FORMATS))
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise Image.DecompressionBombError
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” has more than 40 megapixels."), params=name, code="pixels"
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("“%(name)s” is not a JPEG, PNG or WebP picture."), params=name, code="type"
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("“%(name)s” is damaged and cannot be read."), params=name, code="damaged"
        ) from None
    fmt = image.format
    content_type, extension, options = FORMATS[fmt]
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if has_alpha and extension != "jpg" else "RGB"
    out = io.BytesIO()
    image.convert(mode).save(out, format=fmt, **options)
    return CleanPhoto(out.getvalue(), content_type, extension, image.width, image.height)


def photos_clean(uploads: list) -> list[CleanPhoto]:
    """photo_clean for each of up to PHOTOS_MAX uploads. Raises one ValidationError listing
    every refused file (and one when there are more than PHOTOS_MAX)."""
    if len(uploads) > PHOTOS_MAX:
        raise ValidationError(
            _("Attach at most %(max)d photos."), params={"max": PHOTOS_MAX}, code="count"
        )
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(photo_clean(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def ticket_photos_add(
    *, ticket: Ticket, photos: list[CleanPhoto], event: TicketEvent | None = None
) -> list[TicketPhoto]:
    """Store cleaned `photos` of `ticket` (of its intake when `event` is None, else of that
    event, e.g. a resolution) under generated names. Returns the new TicketPhoto rows.
    Files already written are removed again when a later one fails."""
    saved: list[TicketPhoto] = []
    try:
        for photo in photos:
            row = TicketPhoto(
                community_id=ticket.community_id,
                ticket=ticket,
                event=event,
                content_type=photo.content_type,
                width=photo.width,
                height=photo.height,
                size_bytes=len(photo.content),
            )
            row.file.save(f"{uuid.uuid4().hex}.{photo.extension}", ContentFile(photo.content))
            saved.append(row)
    except Exception:
        for row in saved:
            row.file.delete(save=False)
        raise
    return saved


def ticket_submit_with_photos(*, photos: list[CleanPhoto], **submit) -> Ticket:
    """tickets.services.ticket_submit(**submit) and the intake `photos` in one transaction.
    A retry with the same idempotency key answers with the ticket made first, which keeps the
    photos it was given. Raises what ticket_submit raises."""
    with transaction.atomic():
        ticket = services.ticket_submit(**submit)
        if photos and not ticket.photos.exists():
            ticket_photos_add(ticket=ticket, photos=photos)
    return ticket


def ticket_resolve_with_photos(*, photos: list[CleanPhoto], **resolve) -> Ticket:
    """tickets.services.ticket_resolve(**resolve) and `photos` of the result, stored with the
    resolution event, in one transaction. Raises what ticket_resolve raises."""
    with transaction.atomic():
        ticket = services.ticket_resolve(**resolve)
        if photos:
            event = ticket.events.filter(
                kind=TicketEvent.Kind.TRANSITION, to_status=Ticket.Status.RESOLVED
            ).latest("at", "id")
            ticket_photos_add(ticket=ticket, photos=photos, event=event)
    return ticket
