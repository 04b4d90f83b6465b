import Content

/// Writes an HTML document into a string. Text and attribute values are
/// escaped; ``raw(_:)`` is only for HTML the corpus renderer already produced
/// (answers, notes, titles) or that a view built itself.
///
/// ```swift
/// var html = HTML()
/// html.element("p", ["class": "lead"]) { $0.text("Tom & Jerry") }  // <p class="lead">Tom &amp; Jerry</p>
/// ```
struct HTML {
  private(set) var output = ""

  init() { output.reserveCapacity(16 << 10) }

  /// Escaped text.
  mutating func text(_ text: String) { output += HTMLEscaping.escape(text) }

  /// HTML that is already safe: rendered by Content, or built by a view.
  mutating func raw(_ html: String) { output += html }

  /// `<name attributes>` … `</name>`; attributes whose value is nil are left out, an empty value
  /// writes a boolean attribute (`hidden`).
  mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], _ content: (inout HTML) -> Void) {
    open(name, attributes)
    content(&self)
    output += "</\(name)>"
  }

  /// An element holding escaped text.
  mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String) {
    open(name, attributes)
    self.text(text)
    output += "</\(name)>"
  }

  /// An element with no content or end tag (`meta`, `link`, `input`).
  mutating func void(_ name: String, _ attributes: KeyValuePairs<String, String?>) { open(name, attributes) }

  /// A link with escaped text.
  mutating func link(_ href: String, text: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
    output += "<a href=\"\(HTMLEscaping.escape(href))\""
    write(attributes)
    output += ">"
    self.text(text)
    output += "</a>"
  }

  private mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String?>) {
    output += "<\(name)"
    write(attributes)
    output += ">"
  }

  private mutating func write(_ attributes: KeyValuePairs<String, String?>) {
    for (key, value) in attributes {
      guard let value else { continue }
      output += value.isEmpty ? " \(key)" : " \(key)=\"\(HTMLEscaping.escape(value))\""
    }
  }
}

extension HTML {
  /// A query value percent-encoded (RFC 3986 unreserved characters stay), e.g. `C++` → `C%2B%2B`.
  static func encodeQueryValue(_ value: String) -> String {
    let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    var out = ""
    for byte in value.utf8 {
      if allowed.contains(byte) {
        out.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
      }
    }
    return out
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
