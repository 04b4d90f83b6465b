// swift-tools-version:6.1
import PackageDescription

// hpclab: one binary that serves an HPC knowledge corpus (SQLite FTS5) and runs
// BLAS/OpenCL compute jobs, over an HTTP/1.1 server of our own on POSIX sockets (epoll
// event loops; Dispatch for accepting and for work off the loops). Imports run one way: the Server targets use Store, Compute and
// Content; none of those knows HTTP.
let package = Package(
  name: "hpclab",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "hpclab", targets: ["hpclab"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.25.0"),
  ],
  targets: [
    // MARK: System libraries (apt providers named; pkg-config finds the flags)
    .systemLibrary(
      name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(
      name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
    .systemLibrary(
      name: "COpenCL", path: "Sources/COpenCL", pkgConfig: "OpenCL",
      providers: [.apt(["ocl-icd-opencl-dev", "opencl-headers", "pocl-opencl-icd"])]),

    // The CUDA driver, cuBLAS/cuBLASLt and NVRTC, opened with dlopen at run time (never linked:
    // a machine without CUDA builds, tests and runs).
    .target(name: "CCUDA", path: "Sources/CCUDA", linkerSettings: [.linkedLibrary("dl")]),
    // MARK: The one JSON value type, parser and writer (a leaf: no other target below it)
    .target(name: "JSON", path: "Sources/JSON"),
    // MARK: The one bridge from blocking work (SQLite, files) to async
    .target(name: "AsyncBridge", path: "Sources/AsyncBridge"),

    // MARK: Knowledge, storage and compute (no HTTP here)
    .target(
      name: "Content",
      dependencies: ["JSON", .product(name: "Yams", package: "Yams"), .product(name: "Ink", package: "Ink")],
      path: "Sources/Content",
      exclude: ["Corpus", "README.md"]),
    .target(
      name: "Store",
      dependencies: ["Content", "JSON", "CSQLite", .product(name: "GRDB", package: "GRDB.swift")],
      path: "Sources/Store"),
    // The fleet's job store and queue in PostgreSQL (`--database postgres://…`): jobs, leases,
    // workers, LISTEN/NOTIFY. Knows jobs as the Store's records, nothing of HTTP or of compute.
    .target(
      name: "FleetStore",
      dependencies: [
        "Store", "JSON", .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      path: "Sources/FleetStore"),
    .target(
      name: "Compute",
      dependencies: ["JSON", "AsyncBridge", "COpenBLAS", "COpenCL", "CCUDA"],
      path: "Sources/Compute"),

    // MARK: The server: sockets and HTTP/1.1, the application's routes, main
    .target(name: "CSockets", path: "Sources/Server/CSockets"),
    .target(
      name: "HTTP",
      dependencies: ["CSockets", "JSON", "AsyncBridge", .product(name: "Logging", package: "swift-log")],
      path: "Sources/Server/HTTP"),
    .target(
      name: "Application",
      dependencies: [
        "HTTP", "Store", "FleetStore", "Compute", "Content", "JSON", "AsyncBridge",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      path: "Sources/Server/Application"),
    .executableTarget(
      name: "hpclab",
      dependencies: [
        "Application", "HTTP", "Store", "FleetStore", "Content", "Compute", "CSQLite",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      path: "Sources/Server/Main"),
    // libFuzzer entry for the request parser: `make fuzz` builds it with -sanitize=fuzzer.
    .executableTarget(name: "HTTPParserFuzz", dependencies: ["HTTP"], path: "Sources/Server/Fuzz"),

    // MARK: Tests mirror the sources
    .target(
      name: "TestSupport", dependencies: ["HTTP", "AsyncBridge", .product(name: "Logging", package: "swift-log")],
      path: "Tests/Support"),
    .testTarget(name: "HTTPTests", dependencies: ["HTTP", "JSON", "TestSupport", .product(name: "Logging", package: "swift-log")], path: "Tests/ServerTests/HTTP"),
    .testTarget(
      name: "ApplicationTests", dependencies: ["Application", "HTTP", "TestSupport"],
      path: "Tests/ServerTests/Application"),
    .testTarget(name: "JSONTests", dependencies: ["JSON"], path: "Tests/JSONTests"),
    .testTarget(name: "ContentTests", dependencies: ["Content", "JSON"], path: "Tests/ContentTests"),
    .testTarget(name: "StoreTests", dependencies: ["Store", "Content", "JSON"], path: "Tests/StoreTests"),
    .testTarget(name: "ComputeTests", dependencies: ["Compute", "JSON"], path: "Tests/ComputeTests"),
  ]
)
