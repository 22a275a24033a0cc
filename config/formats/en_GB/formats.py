# A 24-hour clock, as the rest of the app writes times ("3 Dec 2026, 14:30").
DATETIME_FORMAT = "j M Y, H:i"
