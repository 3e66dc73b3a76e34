"""Whether a time zone key is a real IANA key: decides if a ZoneInfoNotFoundError is a missing tz DATABASE (config,
CLASSES10 F2) or a key nobody has (a user's or a setting's typo).

zoneinfo (Lib/zoneinfo/_common.py `load_tzdata`, _tzpath.py `find_tzfile`) looks a key up in the system's TZPATH
directories, then in the first-party `tzdata` package; only when BOTH lack it does it raise "No time zone found with key
K". For a key that exists in the IANA database this happens only where the image has neither /usr/share/zoneinfo nor
the tzdata package (slim images): the deployment must add one. Known keys come from this process's own
`zoneinfo.available_timezones()` (the same IANA release family); where the sidecar itself has no tz data, a key of the
IANA form Area/Location with one of the database's areas counts.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache

_IANA_FORM = re.compile(r"^(?:(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)"
                        r"/[A-Z][A-Za-z_+\-0-9]{1,30}(?:/[A-Z][A-Za-z_\-]{1,30})?|UTC|GMT)$")


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    try:
        return frozenset(zoneinfo.available_timezones())
    except OSError:  # an unreadable TZPATH directory: fall back on the key's form
        return frozenset()


def is_iana_key(key: str) -> bool:
    """True when `key` names a zone of the IANA database."""
    known = _known()
    return key in known if known else _IANA_FORM.match(key) is not None
