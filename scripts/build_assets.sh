#!/usr/bin/env bash
# make assets: GOV.UK Frontend, installed from the npm registry (package-lock.json), built
# into tracker/static/govuk/ — git-ignored, never committed. The app serves it as static
# files from a source checkout, and setup.py packs it into the wheel, so an installed
# wheel renders pages without node_modules. The stylesheet is compiled from the Sass
# sources (assets/govuk-frontend.scss) so that its image paths are relative.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/govuk-frontend/dist/govuk
out=tracker/static/govuk
tmp=$(mktemp -d tracker/static/.govuk-build.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
  assets/govuk-frontend.scss "$tmp/govuk-frontend.min.css"
cp "$src/govuk-frontend.min.js" "$tmp/"
cp -R "$src/assets" "$tmp/assets"
rm -rf "$tmp/assets/fonts"  # GDS Transport is not used (see assets/govuk-frontend.scss)
node -p 'require("./node_modules/govuk-frontend/package.json").version' > "$tmp/VERSION"
if grep -q 'url(/' "$tmp/govuk-frontend.min.css"; then
  echo "build_assets: the stylesheet still has an absolute url(/…)" >&2
  exit 1
fi
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
