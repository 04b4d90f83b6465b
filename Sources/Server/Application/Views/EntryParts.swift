import Content
import Store

/// Pieces the question, keyword and table pages share: the breadcrumb, the
/// kind marker, topic and keyword chips, and the related entries.
enum EntryParts {
  static func kindLabel(_ kind: EntryKind) -> String {
    switch kind {
    case .question: "Question"
    case .keyword: "Keyword"
    case .table: "Table"
    case .term: "Term"
    }
  }

  static func kindBadge(_ html: inout HTML, _ kind: EntryKind) {
    html.element("span", ["class": "kind kind-\(kind.rawValue)"], text: kindLabel(kind))
  }

  static func breadcrumb(_ html: inout HTML, _ here: String) {
    html.element("nav", ["class": "crumbs", "aria-label": "Breadcrumb"]) { nav in
      nav.element("ol") { list in
        list.element("li") { $0.link("/", text: "Search") }
        list.element("li", ["aria-current": "page"], text: here)
      }
    }
  }

  /// Topic chips linking to the search filtered by that topic.
  static func topics(_ html: inout HTML, _ topics: [String]) {
    guard !topics.isEmpty else { return }
    html.element("ul", ["class": "chips", "aria-label": "Topics"]) { list in
      for topic in topics {
        list.element("li") { $0.link("/?topic=\(HTML.encodeQueryValue(topic))", text: topic, ["class": "chip topic"]) }
      }
    }
  }

  /// The sidebar: related entries, each marked with its kind, then the key terms as searches.
  static func aside(_ html: inout HTML, related: [RelatedEntry], keywords: [String]) {
    guard !related.isEmpty || !keywords.isEmpty else { return }
    html.element("aside", ["class": "related", "aria-label": "Related entries and keywords"]) { aside in
      if !related.isEmpty {
        aside.element("h2", text: "Related")
        entryList(&aside, related)
      }
      if !keywords.isEmpty {
        aside.element("h2", text: "Keywords")
        aside.element("ul", ["class": "chips", "aria-label": "Keywords"]) { list in
          for keyword in keywords {
            list.element("li") { $0.link("/?q=\(HTML.encodeQueryValue(keyword))", text: keyword, ["class": "chip"]) }
          }
        }
      }
    }
  }

  /// A list of entries, each marked with its kind and linked by its title.
  static func entryList(_ html: inout HTML, _ entries: [RelatedEntry]) {
    html.element("ul", ["class": "related-list"]) { list in
      for entry in entries {
        list.element("li") { item in
          kindBadge(&item, entry.kind)
          item.raw(" <a href=\"\(HTMLEscaping.escape(SearchResult.href(kind: entry.kind, id: entry.id, slug: entry.slug)))\">")
          item.raw(entry.titleHTML)
          item.raw("</a>")
        }
      }
    }
  }

  /// Markdown rendered by Content, with its code highlighted.
  static func prose(_ html: inout HTML, _ body: String) {
    html.element("div", ["class": "prose"]) { $0.raw(body) }  // highlighted when the corpus loaded
  }
}
