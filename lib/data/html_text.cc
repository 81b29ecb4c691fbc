#include "lib/data/html_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cstring>

#include "absl/strings/ascii.h"

namespace kdbench {
namespace {

bool IsOneOf(const xmlChar* name, std::initializer_list<const char*> names) {
  for (const char* candidate : names) {
    if (xmlStrcasecmp(name, reinterpret_cast<const xmlChar*>(candidate)) == 0) {
      return true;
    }
  }
  return false;
}

void AppendText(const xmlNode* node, std::string* out) {
  for (; node != nullptr; node = node->next) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      if (node->content != nullptr) {
        out->append(reinterpret_cast<const char*>(node->content));
      }
      continue;
    }
    if (node->type != XML_ELEMENT_NODE) continue;
    if (IsOneOf(node->name, {"script", "style", "head", "title", "noscript"})) {
      continue;
    }
    const bool block =
        IsOneOf(node->name, {"br", "p", "div", "tr", "li", "h1", "h2", "h3",
                             "h4", "h5", "h6", "table", "ul", "ol", "hr",
                             "blockquote", "pre", "td", "th"});
    if (block) out->push_back('\n');
    AppendText(node->children, out);
    if (block) out->push_back('\n');
  }
}

}  // namespace

std::string HtmlToText(absl::string_view html) {
  if (html.empty()) return "";
  htmlDocPtr document = htmlReadMemory(
      html.data(), static_cast<int>(html.size()), /*URL=*/nullptr, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
          HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
  if (document == nullptr) return "";
  std::string text;
  AppendText(xmlDocGetRootElement(document), &text);
  xmlFreeDoc(document);
  return text;
}

}  // namespace kdbench
