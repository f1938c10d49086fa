"""nox sessions declared by antsibull-nox (antsibull-nox.toml); `nox -l` lists them."""

import antsibull_nox

antsibull_nox.load_antsibull_nox_toml()
