import Foundation

extension JSONValue {
  /// The JSON form of an `Encodable` model (keys in the model's coding order, sorted when the
  /// model is keyed), or `null` when it cannot be encoded. For building a stored result from a
  /// typed outcome once; bodies on the request path are written from ``JSONValue`` directly.
  public init(encoding value: some Encodable) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value), let parsed = try? JSONValue(parsing: [UInt8](data), maxDepth: 10_000)
    else {
      self = .null
      return
    }
    self = parsed
  }
}
