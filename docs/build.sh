#!/bin/sh
# Build the documentation site strictly: a warning (a broken cross-reference included)
# fails the build. Needs sphinx, myst-parser, furo and alliance with its testing extra.
# Usage: docs/build.sh [output directory, default docs/_build/html]
set -eu
docs=$(dirname "$0")
exec sphinx-build -W --keep-going -n -b html "$docs" "${1:-$docs/_build/html}"
