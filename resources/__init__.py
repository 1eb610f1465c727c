"""Data files shipped with readtick (tick icons, the style sheet, built-in scenarios).

Installed as the package ``readtick.resources``; code finds them with
``importlib.resources.files("readtick.resources")``, so a wheel installed anywhere finds them.
"""
