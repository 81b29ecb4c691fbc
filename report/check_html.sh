#!/usr/bin/env bash
# Renders OUT_DIR/PAGE (report.html unless named) with headless Chromium and
# checks the result:
#   1. the page is self-contained: no http(s) or protocol-relative src/href,
#      every <img> is a data: URI (the report must open offline, anywhere);
#   2. Chromium writes OUT_DIR/screenshot.png of the requested size;
#   3. the screenshot is not blank: at least MIN_SHARE of its pixels differ
#      from the most common colour (the background).
# Prints one verdict line; exits 0 on success, 1 on a failed check, 2 on bad
# usage or a missing tool.
#
#   report/check_html.sh OUT_DIR [PAGE]
set -euo pipefail

WIDTH=1280
HEIGHT=4000
MIN_SHARE=0.03   # share of non-background pixels a real page has

die() { echo "check_html: FAIL: $1"; exit "${2:-1}"; }  # message, exit code

[[ $# -eq 1 || $# -eq 2 ]] || { echo "usage: $0 OUT_DIR [PAGE]" >&2; exit 2; }
out=$(cd "$1" 2>/dev/null && pwd) || die "$1: no such directory" 2
page="${2:-report.html}"
html="$out/$page"
png="$out/screenshot.png"
[[ -s "$html" ]] || die "$html: missing or empty" 2

# 1. Self-contained: external references would break the single-file promise.
if grep -Eiq '(src|href)[[:space:]]*=[[:space:]]*"(https?:|//)' "$html"; then
  die "$html: references an external resource"
fi
if grep -Eio '<img[^>]*src="[^"]{0,30}' "$html" | grep -Eivq 'src="data:image/png;base64,'; then
  die "$html: an <img> is not an embedded PNG data URI"
fi

# 2. Chromium: Debian's package; installed here when missing and we are root
#    (the project's machines are set up by its own files, not by hand).
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "check_html: chromium missing; installing Debian's chromium package" >&2
    { apt-get update -qq && apt-get install -y --no-install-recommends chromium; } >&2 \
      || die "apt-get install chromium failed" 2
    browser=$(command -v chromium) || die "chromium still missing after install" 2
  else
    die "chromium not found (apt-get install -y --no-install-recommends chromium)" 2
  fi
fi

# A throw-away profile: no state shared with other runs, no first-run dialogs.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$png"
timeout 180 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --no-first-run --disable-dev-shm-usage --user-data-dir="$profile" \
  --window-size="$WIDTH,$HEIGHT" --screenshot="$png" "file://$html" \
  >"$profile/chromium.log" 2>&1 || true
[[ -s "$png" ]] || die "chromium wrote no screenshot ($(tail -n 3 "$profile/chromium.log" | tr '\n' ' '))"

# 3. Size and content, read with matplotlib's image reader. pyenv's python3
#    may lack matplotlib; Debian's /usr/bin/python3 has python3-matplotlib.
py=python3
python3 -c 'import matplotlib' 2>/dev/null || py=/usr/bin/python3
"$py" - "$png" "$WIDTH" "$HEIGHT" "$MIN_SHARE" "$page" <<'EOF'
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.image as mpimg
import numpy as np

path, width, height, min_share, page = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                                        float(sys.argv[4]), sys.argv[5])
img = mpimg.imread(path)
h, w = img.shape[:2]
if (w, h) != (width, height):
    print(f"check_html: FAIL: {path} is {w}x{h}, expected {width}x{height}")
    sys.exit(1)
# Quantise to 8 bits per channel so that colours compare exactly.
px = np.round(img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
colours, counts = np.unique(px, axis=0, return_counts=True)
background = colours[counts.argmax()]
share = 1.0 - counts.max() / px.shape[0]
if share < min_share:
    print(f"check_html: FAIL: {path} is nearly uniform: {share:.1%} of pixels differ "
          f"from the background rgb{tuple(int(c) for c in background)} (need {min_share:.0%})")
    sys.exit(1)
print(f"check_html: OK: {path} {w}x{h}, {share:.1%} of pixels differ from the background "
      f"rgb{tuple(int(c) for c in background)}, {len(colours)} colours; "
      f"{page} is self-contained")
EOF
