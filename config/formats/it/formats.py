# "2 dicembre 2026", without the leading zero and weekday Django's defaults add.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
