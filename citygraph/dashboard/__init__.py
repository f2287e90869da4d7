"""The dashboard at GET / (City Tools for London): a static single-page app that calls only the public /graphql
API, built from npm packages by web/build-dashboard.mjs into static/ and served from there (no CDN)."""
