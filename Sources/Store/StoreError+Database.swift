import GRDB

extension StoreError {
  /// Wraps any error thrown by GRDB (or passes a `StoreError` through).
  init(_ error: any Error) {
    if let error = error as? StoreError {
      self = error
    } else if let error = error as? DatabaseError {
      let message = error.message ?? "\(error)"
      if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
        self = .busy(message)
      } else {
        self = .database(code: error.resultCode.rawValue, message: message)
      }
    } else {
      self = .database(code: 1, message: "\(error)")
    }
  }
}

/// Runs `body`, turning anything it throws into a ``StoreError``.
func mappingErrors<T>(_ body: () throws -> T) throws(StoreError) -> T {
  do {
    return try body()
  } catch {
    throw StoreError(error)
  }
}
