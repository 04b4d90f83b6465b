import Foundation
import JSON
import Logging
import PostgresNIO
import Store

/// Jobs, their events and results, and the workers that run them, in PostgreSQL: the queue of a
/// fleet (`hpclab serve --database …` and `hpclab worker --database …`). Any number of servers
/// and workers share one database; nothing is held in a process that another needs.
///
/// - Jobs are rows of `hpclab_jobs`; a worker claims one with `SELECT … FOR UPDATE SKIP LOCKED`
///   and holds a lease on the device lane it runs on (`cpu`, `opencl:1`, `cuda:0`). A unique index
///   over (worker, lane) of running jobs makes "two measurements on one device" impossible, not
///   just unlikely.
/// - Every lease is timed by the database's clock (`now()`), so machines with skewed clocks agree.
///   A lease not renewed in time is reaped: the job is queued again, or failed after its
///   `max_attempts` claims. A worker that finishes after losing its lease changes nothing (its
///   `UPDATE` names the attempt it holds).
/// - `hpclab_job_runs` keeps one row per claim (worker, lane, start, end, outcome): the audit of
///   "ran exactly once".
/// - Events cross processes on the channel ``channel`` with `NOTIFY`; listeners also poll, so a
///   notification lost in a reconnect delays an event, never loses it.
///
/// Every method is `async` and runs on PostgresNIO's event loops; ``run()`` must run for the
/// store's life (it drives the connection pool).
public final class FleetStore: Sendable {
  /// The one `LISTEN`/`NOTIFY` channel; payloads are ``FleetNotification`` as JSON.
  public static let channel = "hpclab_fleet"

  public let address: FleetDatabaseURL
  let client: PostgresClient
  let logger: Logger

  public init(url: String, logger: Logger) throws(FleetStoreError) {
    address = try FleetDatabaseURL(parsing: url)
    self.logger = logger
    var configuration = address.clientConfiguration
    configuration.options.maximumConnections = 8
    configuration.options.connectionIdleTimeout = .seconds(60)
    client = PostgresClient(configuration: configuration, backgroundLogger: logger)
  }

  /// Drives the connection pool until the calling task is cancelled.
  public func run() async {
    await client.run()
  }

  /// Creates the tables, indexes and functions when missing. Safe to run from many processes at
  /// once (an advisory lock makes them take turns).
  public func migrate() async throws(FleetStoreError) {
    try await database("migrating the fleet schema", timeout: .seconds(120)) { [client, logger] in
      try await client.withTransaction(logger: logger) { connection in
        try await connection.query("SELECT pg_advisory_xact_lock(727274)", logger: logger)
        for statement in FleetSchema.statements {
          try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
      }
    }
  }

  /// Waits until the database answers (up to `seconds`), for processes that start beside it.
  public func waitUntilReachable(seconds: Double) async throws(FleetStoreError) {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    try? await Task.sleep(for: .milliseconds(20))  // let a run() started beside this call begin first
    while true {
      do {
        try await database("reaching the database", timeout: .seconds(5)) { [client, logger] in
          try await client.query("SELECT 1", logger: logger)
        }
        return
      } catch {
        if ContinuousClock.now >= deadline {
          throw .database("\(address) did not answer within \(seconds) s: \(Self.describe(error))")
        }
        try? await Task.sleep(for: .milliseconds(250))
      }
    }
  }

  // MARK: - Notifications

  /// Sends a notification to every listener (servers and workers).
  public func notify(_ notification: FleetNotification) async {
    do {
      try await client.query("SELECT pg_notify(\(Self.channel), \(notification.encoded))", logger: logger)
    } catch {
      logger.warning("could not notify \(notification.type) \(notification.id ?? ""): \(Self.describe(error))")
    }
  }

  /// Listens on ``channel`` until the calling task is cancelled, reconnecting after a failure.
  /// `connected` is called on every (re)connection: a listener reads the state it may have missed
  /// there.
  public func listen(
    connected: @escaping @Sendable () async -> Void, received: @escaping @Sendable (FleetNotification) async -> Void
  ) async {
    while !Task.isCancelled {
      do {
        try await client.withConnection { connection in
          try await connection.listen(on: Self.channel) { notifications in
            await connected()
            for try await notification in notifications {
              if let decoded = FleetNotification(decoding: notification.payload) { await received(decoded) }
            }
          }
        }
      } catch {
        if Task.isCancelled { return }
        logger.warning("fleet listener lost its connection: \(Self.describe(error)); reconnecting")
      }
      try? await Task.sleep(for: .seconds(1))
    }
  }

  // MARK: - Errors

  /// Runs a database call within `timeout` (a database that is down must not hang a request: the
  /// connection pool waits for connections it cannot make), turning its errors into
  /// ``FleetStoreError/database(_:)``.
  @discardableResult
  func database<T: Sendable>(
    _ what: String, timeout: Duration = .seconds(10), _ body: @escaping @Sendable () async throws -> T
  ) async throws(FleetStoreError) -> T {
    do {
      return try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
          try await Task.sleep(for: timeout)
          throw FleetStoreError.database("\(what): no answer within \(timeout)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
      }
    } catch let error as FleetStoreError {
      throw error
    } catch {
      throw .database("\(what): \(Self.describe(error))")
    }
  }

  /// A PostgreSQL error with the server's message, which `PSQLError`'s description hides.
  static func describe(_ error: any Error) -> String {
    if let error = error as? PSQLError {
      if let message = error.serverInfo?[.message] { return message }
      return "\(error.code)"
    }
    return "\(error)"
  }

  /// Decodes one text column of JSON (`hpclab_job_json(…)`) into a job record.
  static func decodeJob(_ text: String) throws(FleetStoreError) -> JobRecord {
    do {
      return try JSONDecoder().decode(JobRecord.self, from: Data(text.utf8))
    } catch {
      throw .corrupt("a job row: \(error)")
    }
  }

  static func parseJSON(_ text: String) throws(FleetStoreError) -> JSONValue {
    do {
      return try JSONValue(parsing: Array(text.utf8), maxDepth: 64)
    } catch {
      throw .corrupt("\(error)")
    }
  }

  static func jsonText(_ value: JSONValue?) -> String? {
    value.map { String(decoding: $0.encoded(), as: UTF8.self) }
  }
}

/// A message between the fleet's processes. JSON keys: `type` (`queued`, `status`, `progress`,
/// `cancel`), `id` (the job), `progress`.
public struct FleetNotification: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Codable {
    /// A job was queued (workers wake up to claim).
    case queued
    /// A job's status changed (servers read the job and publish it).
    case status
    /// A running job's progress (servers forward it to streams).
    case progress
    /// A cancel was asked for a running job (its worker stops it).
    case cancel
    /// A succeeded job's run record was stored (servers keep a copy).
    case record
  }

  public var type: Kind
  public var id: String?
  public var progress: Double?

  public init(_ type: Kind, id: String? = nil, progress: Double? = nil) {
    self.type = type
    self.id = id
    self.progress = progress
  }

  init?(decoding text: String) {
    guard let value = try? JSONDecoder().decode(FleetNotification.self, from: Data(text.utf8)) else { return nil }
    self = value
  }

  var encoded: String {
    String(decoding: (try? JSONEncoder().encode(self)) ?? Data("{}".utf8), as: UTF8.self)
  }
}
