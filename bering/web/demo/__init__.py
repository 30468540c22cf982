"""The demo region of Kamchatka: its data (``data``) and how it is seeded (``seed``)."""
