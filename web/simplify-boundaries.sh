#!/bin/sh
# Run once (not part of the build): simplifies the 33 London borough boundaries (~1 MB) to the ~140 KB file
# the dashboard ships, web/data/london_boroughs.geojson (attribution: web/data/ATTRIBUTION.md).
# mapshaper is not a dependency of web/: npx fetches this pinned version into its cache for this one run.
# Usage: sh web/simplify-boundaries.sh PATH/TO/london_boroughs.geojson
set -eu
src=${1:?usage: sh web/simplify-boundaries.sh london_boroughs.geojson}
out="$(dirname "$0")/data/london_boroughs.geojson"
# Visvalingam (mapshaper's default) keeping 10% of the vertices; keep-shapes never drops a borough;
# 5 decimals of a degree is about 1 m.
npx --yes mapshaper@0.7.70 "$src" -simplify 10% keep-shapes -filter-fields name,gss_code \
  -o "$out" precision=0.00001 format=geojson
