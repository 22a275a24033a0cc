# Pages write dates the way Italian business software does ("03/12/2026, 14:30"): Django's
# own Italian month names are capitalised ("Dicembre"), which Italian does not do. Letters
# and documents write dates in full through Babel ("3 dicembre 2026": agency.formatting).
DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y, H:i"
