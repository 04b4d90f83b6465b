import Foundation

/// Everything the store can throw. Callers match on the case; the server maps ``invalidQuery(_:)``
/// to a client error and the rest to server errors.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A ``SearchMode/raw`` query that FTS5 rejects (syntax error, unknown column, too long). The
  /// message is SQLite's (`fts5: syntax error near "("`).
  case invalidQuery(String)
  /// A read ran past ``Store/Configuration/queryTimeLimit`` and was interrupted.
  case timeLimitExceeded(Duration)
  /// No job has this id.
  case jobNotFound(String)
  /// A job id must be 1–64 characters from `A-Z a-z 0-9 _ -` (it names a result file).
  case invalidJobID(String)
  /// The job cannot move from `from` to `to` (every change to a finished job is refused).
  case invalidTransition(id: String, from: JobStatus, to: JobStatus)
  /// The database stayed locked past ``Store/Configuration/busyTimeout``.
  case busy(String)
  /// Any other SQLite error, with its primary result code and message.
  case database(code: Int32, message: String)
  /// A file or directory under the data directory could not be created, written or read.
  case io(path: String, message: String)
  /// The database file is damaged (truncated, overwritten): the store refuses to open it.
  case damaged(path: String, detail: String)
  /// The disk is full: a write could not be made.
  case diskFull(String)

  public var description: String {
    switch self {
    case .invalidQuery(let message): "invalid search query: \(message)"
    case .timeLimitExceeded(let limit): "query interrupted after the \(limit) time limit"
    case .jobNotFound(let id): "no job with id \(id)"
    case .invalidJobID(let id): "invalid job id \(id.debugDescription)"
    case .invalidTransition(let id, let from, let to): "job \(id) cannot go from \(from.rawValue) to \(to.rawValue)"
    case .busy(let message): "database busy: \(message)"
    case .database(let code, let message): "SQLite error \(code): \(message)"
    case .io(let path, let message): "\(path): \(message)"
    case .damaged(let path, let detail):
      "the database \(path) is damaged (\(detail)); move it aside to start with an empty one (its jobs are lost) or restore a backup"
    case .diskFull(let message): "the disk is full: \(message)"
    }
  }
}
