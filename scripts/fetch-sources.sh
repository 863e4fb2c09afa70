#!/usr/bin/env bash
# Fetches the pinned Debian source packages of Dear ImGui and SQLite (with Debian's patches
# applied) into build/third_party, builds the SQLite amalgamation and subsets the UI font.
# Nothing here is committed. The deb-src entry is derived from this machine's own apt
# configuration, so no registry host name lives in the repository.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/build/third_party"
# Upstream versions are pinned; the Debian revision is whatever the suite carries now
# (security updates replace older revisions on the mirror).
IMGUI_UPSTREAM="1.90.1"
SQLITE_UPSTREAM="3.46.1"
SOURCE_SUITE="trixie"
mkdir -p "$out"
cd "$out"

stamp="$out/.fetched-$IMGUI_UPSTREAM-$SQLITE_UPSTREAM"
if [ ! -f "$stamp" ]; then
  apt_dir="$out/apt"
  mkdir -p "$apt_dir/lists/partial"
  src_list="$apt_dir/sources.list"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # First stanza of the machine's deb822 file, turned into a deb-src entry for SOURCE_SUITE.
    awk 'BEGIN{RS=""; ORS="\n\n"} NR==1{print; exit}' /etc/apt/sources.list.d/debian.sources \
      | sed -e "s/^Types:.*/Types: deb-src/" -e "s/^Suites:.*/Suites: $SOURCE_SUITE/" \
      > "$apt_dir/kervan.sources"
    src_list=/dev/null
    parts="$apt_dir"
  else
    uri=$(grep -E '^deb ' /etc/apt/sources.list | head -1 | awk '{print $2}')
    echo "deb-src $uri $SOURCE_SUITE main" > "$src_list"
    parts=/dev/null
  fi
  apt_opts=(-o "Dir::Etc::SourceList=$src_list" -o "Dir::Etc::SourceParts=$parts"
            -o "Dir::State::Lists=$apt_dir/lists" -o "APT::Sandbox::User=root" -qq)
  apt-get "${apt_opts[@]}" update
  pick() { # pick PACKAGE UPSTREAM -> the newest Debian version of that upstream release
    apt-cache "${apt_opts[@]}" showsrc "$1" | awk '/^Version:/{print $2}' \
      | grep -E "^([0-9]+:)?$2[-+~]" | sort -V | tail -1
  }
  imgui_version=$(pick imgui "$IMGUI_UPSTREAM")
  sqlite_version=$(pick sqlite3 "$SQLITE_UPSTREAM")
  if [ -z "$imgui_version" ] || [ -z "$sqlite_version" ]; then
    echo "fetch-sources: imgui $IMGUI_UPSTREAM or sqlite3 $SQLITE_UPSTREAM not found in $SOURCE_SUITE" >&2
    exit 1
  fi
  rm -rf imgui-* sqlite3-* ./*.dsc ./*.tar.* ./*.debian.*
  apt-get "${apt_opts[@]}" source "imgui=$imgui_version" "sqlite3=$sqlite_version" >/dev/null
  touch "$stamp"
fi

imgui_dir=$(ls -d "$out"/imgui-*/ | head -1)
sqlite_dir=$(ls -d "$out"/sqlite3-*/ | head -1)
ln -sfn "$imgui_dir" "$out/imgui"

# Kervan always adds its own font (embedded in the module), so ImGui's built-in ProggyClean
# font is never used; but ImFontAtlas::Build() calls AddFontDefault() when no font was added,
# which keeps the font's data linked (about 10 KB of the compressed download). That one call
# becomes an assertion. Done once on the extracted source; fails if the line is not found.
imgui_draw="$imgui_dir/imgui_draw.cpp"
if ! grep -q 'KERVAN: no built-in font' "$imgui_draw"; then
  if [ "$(grep -c '^        AddFontDefault();$' "$imgui_draw")" != 1 ]; then
    echo "fetch-sources: the AddFontDefault() call in ImFontAtlas::Build() was not found in $imgui_draw" >&2
    exit 1
  fi
  sed -i 's|^        AddFontDefault();$|        IM_ASSERT(0 \&\& "KERVAN: no built-in font, add one first");|' "$imgui_draw"
  grep -q 'KERVAN: no built-in font' "$imgui_draw" || { echo "fetch-sources: editing $imgui_draw failed" >&2; exit 1; }
fi

# The amalgamation's parser and keyword table are generated with the grammar options Kervan
# builds SQLite with (scripts/sqlite-grammar-options.txt); it is made again when they change.
sqlite_flags=$(sed -e 's/#.*//' "$root/scripts/sqlite-grammar-options.txt" | awk 'NF{printf "-D%s ", $1}')
if [ ! -f "$out/sqlite/sqlite3.c" ] || [ "$(cat "$out/sqlite/options" 2>/dev/null)" != "$sqlite_flags" ]; then
  rm -rf "$out/sqlite-build" "$out/sqlite"
  mkdir -p "$out/sqlite-build" "$out/sqlite"
  (cd "$out/sqlite-build" && "$sqlite_dir/configure" --quiet >/dev/null \
    && make -s sqlite3.c OPT_FEATURE_FLAGS="$sqlite_flags" >/dev/null)
  cp "$out/sqlite-build/sqlite3.c" "$out/sqlite-build/sqlite3.h" "$out/sqlite/"
  echo "$sqlite_flags" > "$out/sqlite/options"
fi

# Font: DejaVu Sans cut to Latin, Latin-1, Latin Extended-A (Turkish and most European names),
# general punctuation, currency signs (₺ €) and the few arrows, comparison signs, shapes and
# check marks the interface writes (the glyph ranges in src/platform/main_web.cpp). ImGui 1.90
# applies no kerning or substitutions, so the layout tables (GPOS, GSUB, GDEF, MATH) are left out.
font_ranges_id=3  # bump when the ranges change
if [ ! -f "$out/fonts/kervan-sans-$font_ranges_id.ttf" ]; then
  mkdir -p "$out/fonts"
  pyftsubset /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
    --unicodes="U+0020-007E,U+00A0-017F,U+2000-206F,U+20A0-20CF,U+2190-2195,U+2260,U+2264,U+2265,U+25A0,U+25A1,U+25B2,U+25B6,U+25BC,U+25C0,U+25CB,U+25CF,U+2713,U+2714,U+2717" \
    --layout-features='' --drop-tables+=GPOS,GSUB,GDEF,MATH \
    --output-file="$out/fonts/kervan-sans-$font_ranges_id.ttf" --no-hinting --desubroutinize 2>/dev/null
fi
cp "$out/fonts/kervan-sans-$font_ranges_id.ttf" "$out/fonts/kervan-sans.ttf"
echo "third-party sources ready in build/third_party"
