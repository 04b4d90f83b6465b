import Foundation
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
      } else if error.resultCode == .SQLITE_FULL {
        self = .diskFull(message)
      } else {
        self = .database(code: error.resultCode.rawValue, message: message)
      }
    } else if let error = error as? CocoaError, error.code == .fileWriteOutOfSpace {
      self = .diskFull("\(error)")
    } else if (error as NSError).domain == NSPOSIXErrorDomain, (error as NSError).code == Int(ENOSPC) {
      self = .diskFull("\(error)")
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

extension StoreError {
  /// A failed file write: ``diskFull(_:)`` when the disk is full, else ``io(path:message:)``.
  static func writing(_ path: String, _ error: any Error) -> StoreError {
    let described = "\(error)"
    let nsError = error as NSError
    let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError
    if (error as? CocoaError)?.code == .fileWriteOutOfSpace
      || (nsError.domain == NSPOSIXErrorDomain && nsError.code == Int(ENOSPC))
      || (underlying?.domain == NSPOSIXErrorDomain && underlying?.code == Int(ENOSPC))
      || described.contains("No space left")
    {
      return .diskFull("writing \(path): no space left on the device")
    }
    return .io(path: path, message: described)
  }
}
