/// Highlights the fenced code of the corpus once, when the Markdown is rendered at load: keywords,
/// types and built-ins, strings, comments, numbers, decorators and
/// preprocessor lines are wrapped in `<span class="tk-…">`.
///
/// We do this here rather than with a browser library (Debian's
/// `libjs-highlight.js` is about 1 MB with every language) because the corpus
/// uses four languages, the page then reads highlighted with JavaScript off,
/// and nothing extra is downloaded. The scanner is lexical and forgiving: it
/// never fails, and text it does not recognise stays plain.
public enum CodeHighlighter {
  /// Languages with a scanner; blocks in others (or with none) stay plain.
  enum Language: String {
    case python, cpp, cuda, opencl, c

    var isCLike: Bool { self != .python }
  }

  /// Rewrites every `<pre><code class="language-…">` block of `html`, and makes every `<pre>`
  /// focusable (`tabindex="0"`) so that keyboard users can scroll wide code.
  public static func highlightBlocks(in html: String) -> String {
    let open = "<pre><code"
    var result = ""
    result.reserveCapacity(html.utf8.count + html.utf8.count / 4)
    var rest = Substring(html)
    while let start = rest.range(of: open) {
      result += rest[..<start.lowerBound]
      rest = rest[start.upperBound...]
      guard let tagEnd = rest.firstIndex(of: ">"), let close = rest.range(of: "</code></pre>") else {
        result += open
        continue
      }
      let attributes = rest[..<tagEnd]
      let body = rest[rest.index(after: tagEnd)..<close.lowerBound]
      let name = languageName(in: attributes)
      let language = name.flatMap(Language.init(rawValue:))
      result += "<pre tabindex=\"0\""
      if let name { result += " data-lang=\"\(HTMLEscaping.escape(name))\"" }
      result += "><code\(attributes)>"
      result += language.map { highlight(HTMLEscaping.unescape(String(body)), as: $0) } ?? String(body)
      result += "</code></pre>"
      rest = rest[close.upperBound...]
    }
    result += rest
    return result
  }

  /// `python` from ` class="language-python"`.
  private static func languageName(in attributes: Substring) -> String? {
    guard let range = attributes.range(of: "language-") else { return nil }
    let name = attributes[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" }
    return name.isEmpty ? nil : name.lowercased()
  }

  /// The code (plain text) as escaped HTML with token spans.
  static func highlight(_ code: String, as language: Language) -> String {
    var scanner = Scanner(Array(code.unicodeScalars), language: language)
    return scanner.run()
  }

  // MARK: - Scanner

  private struct Scanner {
    let s: [Unicode.Scalar]
    let language: Language
    var i = 0
    var out = ""
    /// Only whitespace since the start of the line (for `#include` and `@decorator`).
    var atLineStart = true

    init(_ s: [Unicode.Scalar], language: Language) {
      self.s = s
      self.language = language
      out.reserveCapacity(s.count * 2)
    }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

    mutating func run() -> String {
      while let c = peek() {
        let lineStart = atLineStart
        atLineStart = (c == "\n") || (lineStart && (c == " " || c == "\t"))
        if language == .python, c == "#" { span("com", upTo: lineEnd()); continue }
        if language.isCLike, c == "/", peek(1) == "/" { span("com", upTo: lineEnd()); continue }
        if language.isCLike, c == "/", peek(1) == "*" { span("com", upTo: blockCommentEnd()); continue }
        if language.isCLike, c == "#", lineStart { span("pre", upTo: lineEnd()); continue }
        if language == .python, c == "@", lineStart { span("dec", upTo: identifierEnd(from: i + 1, dotted: true)); continue }
        if c == "\"" || c == "'" { span("str", upTo: stringEnd(from: i)); continue }
        if c.properties.numericType != nil || (c == "." && peek(1)?.properties.numericType != nil), isWordBoundaryBefore {
          span("num", upTo: numberEnd()); continue
        }
        if isIdentifierStart(c) {
          let end = identifierEnd(from: i, dotted: false)
          let word = String(String.UnicodeScalarView(s[i..<end]))
          // Python string prefixes: f"…", r'…', b"…", rb"…".
          if language == .python, end < s.count, s[end] == "\"" || s[end] == "'", word.count <= 2,
            word.lowercased().allSatisfy({ "frbu".contains($0) })
          {
            span("str", upTo: stringEnd(from: end)); continue
          }
          if Self.keywords(language).contains(word) {
            span("kw", upTo: end)
          } else if Self.types(language).contains(word) {
            span("ty", upTo: end)
          } else {
            plain(upTo: end)
          }
          continue
        }
        plain(upTo: i + 1)
      }
      return out
    }

    var isWordBoundaryBefore: Bool { i == 0 || !isIdentifierPart(s[i - 1]) }

    func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
    func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || c.properties.numericType != nil }

    func lineEnd() -> Int {
      var j = i
      while j < s.count, s[j] != "\n" { j += 1 }
      return j
    }

    func blockCommentEnd() -> Int {
      var j = i + 2
      while j + 1 < s.count, !(s[j] == "*" && s[j + 1] == "/") { j += 1 }
      return min(j + 2, s.count)
    }

    func identifierEnd(from start: Int, dotted: Bool) -> Int {
      var j = start
      while j < s.count, isIdentifierPart(s[j]) || (dotted && s[j] == ".") { j += 1 }
      return j
    }

    /// The end of a string literal opening at `start` (triple-quoted in Python); an unterminated
    /// single-quoted string ends at the line's end.
    func stringEnd(from start: Int) -> Int {
      let quote = s[start]
      let triple = language == .python && start + 2 < s.count && s[start + 1] == quote && s[start + 2] == quote
      var j = start + (triple ? 3 : 1)
      while j < s.count {
        if s[j] == "\\" { j += 2; continue }
        if !triple && s[j] == "\n" { return j }
        if s[j] == quote {
          if !triple { return j + 1 }
          if j + 2 < s.count, s[j + 1] == quote, s[j + 2] == quote { return j + 3 }
        }
        j += 1
      }
      return s.count
    }

    /// Digits, hex, a fraction, an exponent with sign, and suffixes (`1e-3`, `0x1F`, `2.5f`, `10'000`).
    func numberEnd() -> Int {
      var j = i
      while j < s.count {
        let c = s[j]
        if isIdentifierPart(c) || c == "." || c == "'" && language.isCLike {
          j += 1
        } else if (c == "-" || c == "+"), j > i, s[j - 1] == "e" || s[j - 1] == "E", !(j > i + 1 && (s[i + 1] == "x" || s[i + 1] == "X")) {
          j += 1
        } else {
          break
        }
      }
      return j
    }

    mutating func span(_ kind: String, upTo end: Int) {
      out += "<span class=\"tk-\(kind)\">"
      plain(upTo: end)
      out += "</span>"
    }

    mutating func plain(upTo end: Int) {
      let end = max(end, i + 1)
      for scalar in s[i..<min(end, s.count)] {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        default: out.unicodeScalars.append(scalar)
        }
      }
      i = min(end, s.count)
    }

    // MARK: Vocabularies

    static func keywords(_ language: Language) -> Set<String> { language == .python ? pythonKeywords : cKeywords }
    static func types(_ language: Language) -> Set<String> { language == .python ? pythonBuiltins : cTypes }

    static let pythonKeywords: Set<String> = [
      "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
      "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "match",
      "case", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]
    static let pythonBuiltins: Set<String> = [
      "int", "float", "str", "bytes", "bool", "list", "dict", "set", "frozenset", "tuple", "object", "type", "len",
      "range", "print", "super", "self", "cls", "isinstance", "enumerate", "zip", "map", "sum", "min", "max", "abs",
      "property", "staticmethod", "classmethod", "iter", "next", "open", "slice", "memoryview", "bytearray",
      "Exception", "ValueError", "TypeError", "KeyError", "AttributeError", "RuntimeError", "NotImplemented",
    ]
    static let cKeywords: Set<String> = [
      "auto", "break", "case", "catch", "class", "const", "constexpr", "continue", "default", "delete", "do", "else",
      "enum", "explicit", "extern", "false", "for", "friend", "goto", "if", "inline", "namespace", "new", "noexcept",
      "nullptr", "operator", "private", "protected", "public", "return", "sizeof", "static", "static_cast",
      "reinterpret_cast", "struct", "switch", "template", "this", "throw", "true", "try", "typedef", "typename",
      "union", "using", "virtual", "volatile", "while", "restrict", "__restrict__",
      // CUDA and OpenCL qualifiers
      "__global__", "__device__", "__host__", "__shared__", "__constant__", "__syncthreads", "__kernel", "kernel",
      "__global", "global", "__local", "local", "__constant", "__private", "barrier",
    ]
    static let cTypes: Set<String> = [
      "void", "bool", "char", "short", "int", "long", "float", "double", "unsigned", "signed", "size_t", "int32_t",
      "int64_t", "uint32_t", "uint64_t", "half", "float2", "float4", "float8", "double2", "double4", "dim3", "std",
      "vector", "string", "threadIdx", "blockIdx", "blockDim", "gridDim", "warpSize", "get_global_id",
      "get_local_id", "get_group_id", "get_local_size", "CLK_LOCAL_MEM_FENCE", "CLK_GLOBAL_MEM_FENCE",
    ]
  }
}
