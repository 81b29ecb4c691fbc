"""Document blocks (headings, paragraphs, tables, images), rendered to
Markdown and to one self-contained HTML file from the same list."""

import base64
import html
import os
import re


def H(level, text, anchor=None):
    return ("h", level, text, anchor)


def P(text):
    return ("p", text)


def T(headers, rows):
    return ("table", list(headers), [list(r) for r in rows])


def IMG(name, alt):
    return ("img", name, alt)


def DETAILS(summary, blocks):
    """Blocks folded under a summary line (long provenance lists)."""
    return ("details", summary, list(blocks))


def LIST(items):
    return ("list", list(items))


def slug(text):
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-") or "section"


def with_anchors(blocks):
    """Every level-2 heading gets an anchor (its own, or a unique slug)."""
    seen, out = set(), []
    for b in blocks:
        if b[0] == "h" and b[1] == 2:
            anchor = b[3] or slug(b[2])
            while anchor in seen:
                anchor += "-x"
            seen.add(anchor)
            b = H(2, b[2], anchor)
        out.append(b)
    return out


def toc_blocks(blocks):
    """A linked table of contents of the level-2 headings."""
    items = [f"[{b[2]}](#{b[3]})" for b in blocks if b[0] == "h" and b[1] == 2 and b[3]]
    return [H(2, "Contents", "contents"), LIST(items)] if items else []


def md_cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_md(blocks):
    out = []
    for b in blocks:
        kind = b[0]
        if kind == "h":
            if b[3]:
                out.append(f'<a id="{b[3]}"></a>\n')
            out.append("#" * b[1] + " " + b[2])
        elif kind == "p":
            out.append(b[1])
        elif kind == "list":
            out.append("\n".join(f"- {item}" for item in b[1]))
        elif kind == "details":
            out.append(f"<details><summary>{html.escape(b[1], quote=False)}</summary>\n\n"
                       + render_md(b[2]) + "\n</details>")
        elif kind == "table":
            headers, rows = b[1], b[2]
            lines = ["| " + " | ".join(md_cell(h) for h in headers) + " |",
                     "|" + "---|" * len(headers)]
            lines += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
            out.append("\n".join(lines))
        elif kind == "img":
            out.append(f"![{b[2]}](plots/{b[1]})")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


VERDICT_CLASS = {"holds": "v-holds", "does not hold": "v-not", "inconclusive": "v-inc",
                 "pass": "v-holds", "fail": "v-not"}


def html_inline(text):
    """Escapes text, then turns **x** into <strong> and `x` into <code>."""
    s = html.escape(str(text), quote=False)

    def strong(m):
        cls = VERDICT_CLASS.get(m.group(1).strip().lower())
        attr = f' class="{cls}"' if cls else ""
        return f"<strong{attr}>{m.group(1)}</strong>"
    s = re.sub(r"\*\*(.+?)\*\*", strong, s)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    s = re.sub(r"\[([^\]]+)\]\((#[A-Za-z0-9_-]+)\)", r'<a href="\2">\1</a>', s)
    s = re.sub(r"(?<![*\w])\*([^*]+)\*(?![*\w])", r"<em>\1</em>", s)
    return s


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
 margin:0 auto;max-width:1180px;padding:24px;color:#1d1d1f;line-height:1.45;
 background:#fff}
h1{font-size:1.8em;border-bottom:2px solid #345;padding-bottom:.2em}
h2{font-size:1.35em;margin-top:1.8em;border-bottom:1px solid #ccd;padding-bottom:.15em}
h3{font-size:1.1em;margin-top:1.3em}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}
th,td{border:1px solid #c8ccd4;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f6}
tr:nth-child(even) td{background:#f8f9fb}
code{background:#f1f2f4;padding:0 3px;border-radius:3px;font-size:.92em}
img{max-width:100%;border:1px solid #dde;margin:.4em 0 1.2em}
details{margin:.4em 0}summary{cursor:pointer;color:#345}
ul{columns:2;margin:.4em 0 1em}a{color:#1a4f8b}
.v-holds{color:#11722b}.v-not{color:#b3261e}.v-inc{color:#8a5a00}
"""


def render_html(blocks, title, plot_dir):
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + html_body(blocks, plot_dir) + "\n</body>\n</html>\n")


def html_body(blocks, plot_dir):
    body = []
    for b in blocks:
        kind = b[0]
        if kind == "h":
            anchor = f' id="{html.escape(b[3])}"' if b[3] else ""
            body.append(f"<h{b[1]}{anchor}>{html_inline(b[2])}</h{b[1]}>")
        elif kind == "p":
            body.append(f"<p>{html_inline(b[1])}</p>")
        elif kind == "table":
            head = "".join(f"<th>{html_inline(h)}</th>" for h in b[1])
            rows = "".join("<tr>" + "".join(f"<td>{html_inline(c)}</td>" for c in r) + "</tr>"
                           for r in b[2])
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif kind == "img":
            # Embedded, so the page is one self-contained file.
            with open(os.path.join(plot_dir, b[1]), "rb") as f:
                data = base64.b64encode(f.read()).decode("ascii")
            body.append(f'<img alt="{html.escape(b[2])}" src="data:image/png;base64,{data}">')
        elif kind == "list":
            body.append("<ul>" + "".join(f"<li>{html_inline(i)}</li>" for i in b[1]) + "</ul>")
        elif kind == "details":
            body.append(f"<details><summary>{html_inline(b[1])}</summary>"
                        + html_body(b[2], plot_dir) + "</details>")
    return "\n".join(body)
