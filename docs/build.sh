#!/bin/sh
# Build the documentation site (the Markdown pages and the API reference) strictly: any
# warning fails the build, a reference to an alliance object that does not resolve and a
# public name documented nowhere included. Every build reads every page afresh (-E), so a
# second run cannot pass by skipping the pages that warned.
#
# Needs sphinx, myst-parser and furo, and alliance installed with its testing extra
# (hypothesis, pytest: the testing kit's pages import them). No network.
#
# Usage: docs/build.sh [output directory, default docs/_build/html]
# SPHINXBUILD names the sphinx-build to run (default: the one on PATH); SPHINXOPTS adds
# options (CI: -q, warnings and errors only).
set -eu
docs=$(dirname "$0")
exec "${SPHINXBUILD:-sphinx-build}" ${SPHINXOPTS:-} -E -W --keep-going -n -b html "$docs" "${1:-$docs/_build/html}"
