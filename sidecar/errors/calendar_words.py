"""The calendar words masking's date rules read (mask_rules.py `clock_12h`, `month_date`, `weekday_date`): month
and weekday names in the C locale's spellings and the time zone abbreviations a printed date may carry.
"""

from __future__ import annotations

__all__ = ["MONTH", "WEEKDAY", "TZ_ABBREVIATIONS", "ZONE"]

# The C locale's month and weekday names (`%b`/`%B`, `%a`/`%A`) in their own spellings only: a word that merely begins
# like one (`Decoder`, `Marshaller`, `Monitor`) names a component and stays in the template (review r13).
MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
         r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
WEEKDAY = r"(?:Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:rs(?:day)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)"
# A time zone abbreviation as java.util.Date.toString (`zzz`) and date(1) (`%Z`) print it: every alphabetic
# abbreviation of the tz database (tzdata 2025b, /usr/share/zoneinfo) and the JRE's own short names of zones the
# tz database writes numerically (`SGT`, `BRT`, `IRST`). A closed list, not a shape: `[A-Z]{2,4}T` also took START,
# ALERT, RESET, EXIT, POST, HOST (review r16), and any `[A-Z]{1,3}[SD]?T` still takes POST, HOST, LAST, TEST.
TZ_ABBREVIATIONS = (
    "ACDT ACST ADDT ADMT ADT AEDT AEST AHDT AHST AKDT AKST AMT APT AST AWDT AWST AWT BDST BDT BMT BST CAST "
    "CAT CDT CEMT CEST CET CMT CPT CST CWT ChST DMT EAST EAT EDT EEST EET EMT EPT EST EWT FFMT FMT GDT GMT "
    "GST HDT HKST HKT HKWT HMT HPT HST HWT IDDT IDT IMT IST JDT JMT JST KDT KMT KST LMT LST MDST MDT MEST MET "
    "MMT MPT MSD MSK MST MWT NDDT NDT NPT NST NWT NZDT NZMT NZST PDT PKST PKT PLMT PMT PPMT PPT PST PWT QMT "
    "RMT SAST SDMT SJMT SMT SST TBMT TMT UTC WAST WAT WEMT WEST WET WIB WIT WITA WMT YDDT YDT YPT YST YWT ZMT "
    "ART BRST BRT CHADT CHAST CLST CLT COT ICT IRDT IRKT IRST KRAT MAGT MYT NOVT OMST PET PHT SAMT SGT TRT "
    "VET VLAT YAKT YEKT"
).split()
ZONE = "(?:" + "|".join(sorted(TZ_ABBREVIATIONS, key=len, reverse=True)) + ")"
