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

if [ ! -f "$out/sqlite/sqlite3.c" ]; then
  mkdir -p "$out/sqlite-build" "$out/sqlite"
  (cd "$out/sqlite-build" && "$sqlite_dir/configure" --quiet >/dev/null && make -s sqlite3.c >/dev/null)
  cp "$out/sqlite-build/sqlite3.c" "$out/sqlite-build/sqlite3.h" "$out/sqlite/"
fi

# Font: DejaVu Sans cut to Latin, Latin-1, Latin Extended-A (Turkish), punctuation and
# currency signs (₺ €), and the arrows/triangles ImGui uses for sort indicators.
font_ranges_id=2  # bump when the ranges change
if [ ! -f "$out/fonts/kervan-sans-$font_ranges_id.ttf" ]; then
  mkdir -p "$out/fonts"
  pyftsubset /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
    --unicodes="U+0020-007E,U+00A0-00FF,U+0100-017F,U+2000-206F,U+20A0-20CF,U+2190-21FF,U+25A0-25FF,U+2713,U+2714,U+2717" \
    --output-file="$out/fonts/kervan-sans-$font_ranges_id.ttf" --no-hinting --desubroutinize 2>/dev/null
fi
cp "$out/fonts/kervan-sans-$font_ranges_id.ttf" "$out/fonts/kervan-sans.ttf"
echo "third-party sources ready in build/third_party"
