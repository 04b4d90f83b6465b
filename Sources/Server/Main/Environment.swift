import Foundation

/// Flag values fall back to `HPCLAB_*` environment variables, then to defaults.
enum Environment {
  static func string(_ name: String) -> String? {
    guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
    return value
  }

  static func value<T: LosslessStringConvertible>(_ flag: T?, _ name: String, default fallback: T) throws -> T {
    if let flag { return flag }
    guard let text = string(name) else { return fallback }
    guard let value = T(text) else { throw EnvironmentError(name: name, value: text) }
    return value
  }
}

struct EnvironmentError: Error, CustomStringConvertible {
  let name: String
  let value: String
  var description: String { "The environment variable \(name) has an invalid value: \(value)" }
}
