extension HTTPResponse {
  /// Appends the status line and header fields (without the blank line) to `out`.
  func appendHead(to out: inout [UInt8], date: [UInt8], serverName: String) {
    out.append(contentsOf: "HTTP/1.1 ".utf8)
    out.append(contentsOf: String(status.code).utf8)
    out.append(0x20)
    out.append(contentsOf: status.reasonPhrase.utf8)
    out.append(contentsOf: "\r\nDate: ".utf8)
    out.append(contentsOf: date)
    out.append(contentsOf: "\r\nServer: ".utf8)
    out.append(contentsOf: serverName.utf8)
    out.append(contentsOf: "\r\n".utf8)
    for field in headers.fields where !Self.isFraming(field.name) {
      out.append(contentsOf: field.name.utf8)
      out.append(contentsOf: ": ".utf8)
      out.append(contentsOf: field.value.utf8)
      out.append(contentsOf: "\r\n".utf8)
    }
  }
}

extension HTTPResponse {
  /// Fields the connection writes itself; a handler's values for them are ignored.
  static func isFraming(_ name: String) -> Bool {
    name.equalsASCIICaseInsensitive("Content-Length") || name.equalsASCIICaseInsensitive("Transfer-Encoding")
      || name.equalsASCIICaseInsensitive("Connection")
  }
}

extension Array where Element == UInt8 {
  mutating func appendLine(_ text: String) {
    append(contentsOf: text.utf8)
    append(contentsOf: "\r\n".utf8)
  }
}
