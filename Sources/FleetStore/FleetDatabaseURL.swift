import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` address (also `postgresql://`), as
/// `--database` and `HPCLAB_DATABASE` take it. `sslmode` is `disable` (the default on loopback),
/// `prefer` (the default elsewhere) or `require`; `host` may be a socket folder given as
/// `?host=/run/postgresql`.
public struct FleetDatabaseURL: Sendable, Hashable, CustomStringConvertible {
  public var host: String
  public var port: Int
  public var user: String
  public var password: String?
  public var database: String
  public var sslMode: String
  /// A Unix socket folder (`?host=/path`), in place of TCP.
  public var socketDirectory: String?

  public init(parsing text: String) throws(FleetStoreError) {
    guard let components = URLComponents(string: text), let scheme = components.scheme,
      scheme == "postgres" || scheme == "postgresql"
    else { throw .invalidURL("expected postgres://user:password@host:port/database, got \(Self.redacted(text))") }
    let query = Dictionary(
      (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
    socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
    host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
    port = components.port ?? 5432
    guard (1...65535).contains(port) else { throw .invalidURL("the port must be 1 to 65535") }
    user = components.user.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
    password = components.password.flatMap { $0.removingPercentEncoding }
    let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
    database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
    let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    sslMode = query["sslmode"] ?? (loopback || socketDirectory != nil ? "disable" : "prefer")
    guard ["disable", "prefer", "require"].contains(sslMode) else {
      throw .invalidURL("sslmode must be disable, prefer or require, not \(sslMode)")
    }
  }

  /// The address without its password, for logs.
  public var description: String {
    "postgres://\(user)@\(socketDirectory ?? "\(host):\(port)")/\(database)?sslmode=\(sslMode)"
  }

  static func redacted(_ text: String) -> String {
    guard var components = URLComponents(string: text), components.password != nil else { return text }
    components.password = "***"
    return components.string ?? "(unparsable)"
  }

  var clientConfiguration: PostgresClient.Configuration {
    if let socketDirectory {
      return .init(
        unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
    }
    let tls: PostgresClient.Configuration.TLS
    switch sslMode {
    case "disable": tls = .disable
    case "require": tls = .require(.makeClientConfiguration())
    default: tls = .prefer(.makeClientConfiguration())
    }
    return .init(host: host, port: port, username: user, password: password, database: database, tls: tls)
  }
}
