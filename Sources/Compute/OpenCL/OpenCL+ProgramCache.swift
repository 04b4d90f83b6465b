import Synchronization

extension OpenCL {
  /// Programs built once per (device, source, options) and kept for the life of the cache.
  public final class ProgramCache: Sendable {
    struct Key: Hashable {
      let context: ObjectIdentifier
      let device: Int
      let source: String
      let options: String
    }

    /// How a program was obtained.
    public struct Build: Sendable, Equatable {
      /// Whether the program came from the cache (no compilation).
      public var cached: Bool
      /// Seconds spent getting it: the compilation time, or about 0 when cached.
      public var seconds: Double
    }

    private let programs = Mutex<[Key: Program]>([:])

    public init() {}

    /// The program for `source` and `options` on `context`'s device: from the cache, or built now.
    ///
    /// The build runs outside the lock, so two threads asking for the same new program at once
    /// may both compile it; the first to finish is kept and both get a working program.
    /// - Throws: ``OpenCLError`` with the build log when the source does not compile (nothing is cached).
    public func program(
      for context: Context, source: String, options: String
    ) throws(OpenCLError) -> (program: Program, build: Build) {
      let key = Key(
        context: ObjectIdentifier(context), device: context.device.info.index, source: source, options: options)
      let watch = Stopwatch()
      if let program = programs.withLock({ $0[key] }) {
        return (program, Build(cached: true, seconds: watch.seconds))
      }
      let built = try Program(context: context, source: source, options: options)
      let seconds = watch.seconds
      let kept = programs.withLock { programs in
        if let existing = programs[key] { return existing }
        programs[key] = built
        return built
      }
      return (kept, Build(cached: false, seconds: seconds))
    }

    /// The number of programs held.
    public var count: Int { programs.withLock { $0.count } }
  }
}
