"""The four documents of an offboarding: contexts (what each shows, client-facing ones
from client-facing data only), the letter's wording, and the render to PDF."""
