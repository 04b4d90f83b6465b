import CSockets
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Serves files under one directory, and nothing outside it.
///
/// The decoded path may not contain `..` or `.` segments, an encoded slash,
/// a backslash or NUL (400), nor name a dot-file (404). Files are opened
/// beneath the root's directory descriptor with `openat2(RESOLVE_BENEATH)`:
/// the kernel refuses, while it resolves the path, any symlink that leads out
/// (404), so swapping a symlink in between a check and the open serves
/// nothing outside (there is no separate check). Where `openat2` refuses (an
/// absolute symlink inside the root) or is missing, the file actually opened
/// must lie inside the real root, as `/proc/self/fd` names it. `/` and directories serve their `index.html`. Responses
/// carry `ETag` (size and modification time) and `Cache-Control`, and a
/// matching `If-None-Match` gets 304. Small files are kept in memory, with
/// their response prebuilt, and re-checked with `stat` at most once a second.
///
/// The cache is sharded by thread and each shard holds its own copy of the
/// bytes: the hot path then touches no reference count that another core is
/// also touching (shared buffers made the static path half as fast as nginx
/// at 256 connections in `make bench`).
public final class StaticFiles: Sendable {
  public let root: String
  private let realRoot: String?
  /// The root directory, opened once; every file is opened beneath it.
  private let rootFD: Int32
  /// `Cache-Control` for every file. Default `no-cache` (revalidate with the ETag each time).
  public let cacheControl: String
  /// Files up to this size are cached in memory. Default 1 MiB.
  public let maxCachedFileSize: Int
  /// Files larger than this are refused (404 with a reason). Default 64 MiB.
  public let maxFileSize: Int
  private let shards: [Shard] = (0..<8).map { _ in Shard() }

  private final class Shard: Sendable {
    let files = Mutex<[String: CachedFile]>([:])
  }

  struct CachedFile: Sendable {
    var etag: String
    var size: Int
    var modified: timespec
    var checkedAt: Double
    /// The 200 response, built once.
    var response: HTTPResponse
    /// A private copy (of the body and header buffers) for another shard.
    func copied() -> CachedFile {
      var copy = self
      guard case .bytes(let bytes) = response.body else { return copy }
      copy.response = HTTPResponse(status: .ok, headers: HTTPHeaders(response.headers.fields), bytes: Array(bytes))
      return copy
    }
  }

  /// This thread's shard of the cache.
  private var cache: Shard {
    let id = UInt64(UInt(pthread_self()))
    return shards[Int((id &* 0x9E37_79B9_7F4A_7C15) >> 61)]
  }

  /// Extra fields on every file response, and on HTML pages only (security headers).
  public let headers: HTTPHeaders
  public let htmlHeaders: HTTPHeaders

  public init(
    root: String, cacheControl: String = "no-cache", maxCachedFileSize: Int = 1 << 20, maxFileSize: Int = 64 << 20,
    headers: HTTPHeaders = [:], htmlHeaders: HTTPHeaders = [:]
  ) {
    self.root = root
    self.headers = headers
    self.htmlHeaders = htmlHeaders
    self.realRoot = Self.realPath(root)
    self.rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    self.cacheControl = cacheControl
    self.maxCachedFileSize = maxCachedFileSize
    self.maxFileSize = maxFileSize
  }

  /// The response for the request's path, or nil when no file is there.
  public func respond(to request: HTTPRequest) throws -> HTTPResponse? {
    let key = String(request.path)
    var response: HTTPResponse
    var etag: String
    // Only the prebuilt response and its tag leave the lock: fewer reference counts to touch.
    if let (cachedResponse, cachedTag, checkedAt) = cache.files.withLock({ $0[key].map { ($0.response, $0.etag, $0.checkedAt) } }),
      System.monotonicSeconds() - checkedAt < 1
    {
      response = cachedResponse
      etag = cachedTag
    } else {
      guard let loaded = try load(key, relative: try Self.safeRelativePath(request.path)) else { return nil }
      response = loaded.response
      etag = loaded.etag
    }
    if let match = request.headers["If-None-Match"], Self.matches(match, etag: etag) {
      response = HTTPResponse(
        status: .notModified,
        headers: ["ETag": etag, "Cache-Control": cacheControl, "X-Content-Type-Options": "nosniff"])
    }
    return response
  }

  /// The path below the root, or a 400 for attempts to leave it.
  static func safeRelativePath(_ rawPath: Substring) throws -> String {
    let lowered = rawPath.lowercased()
    if lowered.contains("%2f") || lowered.contains("%5c") || lowered.contains("%00") {
      throw Problem.badRequest("The path may not contain encoded slashes, backslashes or NUL.")
    }
    guard let decoded = PercentEncoding.decode(rawPath) else {
      throw Problem.badRequest("The path has a malformed percent-encoding.")
    }
    if decoded.contains("\0") || decoded.contains("\\") {
      throw Problem.badRequest("The path may not contain backslashes or NUL.")
    }
    var segments: [Substring] = []
    for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
      if segment == ".." || segment == "." { throw Problem.badRequest("The path may not contain dot segments.") }
      segments.append(segment)
    }
    var relative = segments.joined(separator: "/")
    if decoded.hasSuffix("/") || relative.isEmpty { relative += relative.isEmpty ? "index.html" : "/index.html" }
    return relative
  }

  /// Reads (or revalidates) the file at `relative`, caching it under the raw path `key`.
  private func load(_ key: String, relative: String) throws -> CachedFile? {
    if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { return nil }
    let now = System.monotonicSeconds()
    var name = relative
    guard var fd = openBeneath(name) else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { return nil }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      name += "/index.html"
      guard let index = openBeneath(name) else { return nil }
      close(fd)
      fd = index
      guard fstat(fd, &info) == 0 else { return nil }
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    let size = Int(info.st_size)
    if let cached = cache.files.withLock({ $0[key] }), cached.size == size,
      cached.modified.tv_sec == info.st_mtim.tv_sec, cached.modified.tv_nsec == info.st_mtim.tv_nsec
    {
      var refreshed = cached
      refreshed.checkedAt = now
      cache.files.withLock { $0[key] = refreshed }
      return refreshed
    }
    guard size <= maxFileSize else {
      throw Problem(status: .notFound, detail: "The file is larger than the server's limit for static files.")
    }
    guard let bytes = Self.read(fd, size: size) else { return nil }
    let etag = "\"\(String(size, radix: 16))-\(String(info.st_mtim.tv_sec, radix: 16))\(String(info.st_mtim.tv_nsec, radix: 16))\""
    let contentType = MediaType.forPath(name)
    var fields: HTTPHeaders = [
      "ETag": etag, "Cache-Control": cacheControl, "X-Content-Type-Options": "nosniff", "Content-Type": contentType,
    ]
    for field in headers.fields { fields.add(field.name, field.value) }
    if contentType.hasPrefix("text/html") { for field in htmlHeaders.fields { fields.add(field.name, field.value) } }
    let response = HTTPResponse(status: .ok, headers: fields, bytes: bytes)
    let file = CachedFile(
      etag: etag, size: size, modified: info.st_mtim, checkedAt: now,
      response: response)
    if size <= maxCachedFileSize {
      let mine = file.copied()
      cache.files.withLock { $0[key] = mine }
    }
    return file
  }

  /// RFC 9110 §13.1.2: `*` or any listed entity-tag, compared weakly.
  static func matches(_ header: String, etag: String) -> Bool {
    let bare = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
    for item in header.split(separator: ",") {
      var tag = item.trimmingASCIIWhitespace()
      if tag == "*" { return true }
      if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
      if tag == bare { return true }
    }
    return false
  }

  private static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The file at `relative` opened for reading beneath the root, or nil (absent, or outside).
  ///
  /// `openat2(RESOLVE_BENEATH)` first. It refuses absolute symlinks even when they point inside
  /// the root (`EXDEV`), and older kernels lack it (`ENOSYS`): then the path is opened following
  /// links, and the file actually opened (as `/proc/self/fd` names it) must lie inside the real
  /// root. Both check the file that is read, not a path that could be swapped in between.
  private func openBeneath(_ relative: String) -> Int32? {
    guard rootFD >= 0 else { return nil }
    let fd = cs_open_beneath(rootFD, relative)
    if fd >= 0 { return fd }
    let error = cs_errno()
    guard error == EXDEV || error == ENOSYS || error == ELOOP, let realRoot else { return nil }
    let opened = open(root + "/" + relative, O_RDONLY | O_CLOEXEC)
    guard opened >= 0 else { return nil }
    guard let actual = Self.linkTarget("/proc/self/fd/\(opened)"), actual.hasPrefix(realRoot + "/") else {
      close(opened)
      return nil
    }
    return opened
  }

  /// What a symbolic link points to (`readlink`), or nil.
  private static func linkTarget(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink(path, &buffer, buffer.count - 1)
    guard length > 0 else { return nil }
    return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  private static func read(_ fd: Int32, size: Int) -> [UInt8]? {
    var bytes = [UInt8](repeating: 0, count: size)
    var done = 0
    while done < size {
      let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, size - done) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return nil }
      done += n
    }
    return bytes
  }
}
